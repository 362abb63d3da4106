import Locks
import RedisConnection

/// Where a scenario's servers come from and how they are arranged. Each case names a topology; its
/// source says whether lockbench starts the servers or is given them, so every command learns a new
/// deployment from this one value.
public enum Deployment: Codable, Sendable, Hashable, CustomStringConvertible {
    /// One Redis server (extra external servers are ignored: the run uses the first).
    case standalone(ServerSource)
    /// Independent masters for Redlock, one per node.
    case redlock(ServerSource)
    /// A Redis Cluster: commands routed by hash slot. Redlock's "independent nodes" become keys placed
    /// in slots owned by different primaries.
    case cluster(ClusterSource)
    /// A primary found through Sentinel and followed across failovers.
    case sentinel(SentinelSource)
    /// An etcd v3 cluster: the `etcd-*` algorithms run over its lease, KV, Watch and Lock services.
    case etcd(StoreSource)
    /// A ZooKeeper ensemble: `zk-recipe` runs over its ephemeral sequential znodes.
    case zookeeper(StoreSource)

    /// The store the deployment serves: Redis for every Redis topology.
    public var store: LockStoreKind {
        switch self {
        case .standalone, .redlock, .cluster, .sentinel: return .redis
        case .etcd: return .etcd
        case .zookeeper: return .zookeeper
        }
    }

    /// The consensus store's source, for etcd and ZooKeeper deployments.
    public var storeSource: StoreSource? {
        switch self {
        case .etcd(let source), .zookeeper(let source): return source
        default: return nil
        }
    }

    /// Whether lockbench starts (and stops) the servers itself.
    public var isEmbedded: Bool {
        switch self {
        case .standalone(let source), .redlock(let source):
            if case .embedded = source { return true }
        case .cluster(let source):
            if case .embedded = source { return true }
        case .sentinel(let source):
            if case .embedded = source { return true }
        case .etcd(let source), .zookeeper(let source):
            if case .embedded = source { return true }
        }
        return false
    }

    /// How many Redis servers the deployment has (sentinels not counted; for an external cluster or
    /// Sentinel, the seeds given).
    public var serverCount: Int {
        switch self {
        case .standalone(let source), .redlock(let source): return source.count
        case .cluster(.embedded(let primaries, let replicas)): return primaries * (1 + replicas)
        case .cluster(.external(let seeds)): return seeds.count
        case .sentinel(.embedded(let replicas, _)): return 1 + replicas
        case .sentinel(.external(let sentinels, _)): return sentinels.count
        case .etcd(let source), .zookeeper(let source): return source.count
        }
    }

    /// The embedded Redis topology this deployment starts, if lockbench starts one (a store's own
    /// processes are `storeSource`'s).
    public var embeddedTopology: EmbeddedTopology? {
        switch self {
        case .standalone(.embedded(let count, let transport)), .redlock(.embedded(let count, let transport)):
            return .servers(count: count, transport: transport)
        case .cluster(.embedded(let primaries, let replicas)): return .cluster(primaries: primaries, replicas: replicas)
        case .sentinel(.embedded(let replicas, let sentinels)): return .sentinel(replicas: replicas, sentinels: sentinels)
        default: return nil
        }
    }

    /// `standalone(embedded 1, tcp)`, `redlock(127.0.0.1:7000 …)`, `cluster(embedded 3x1)`,
    /// `sentinel(mymaster via 127.0.0.1:26379)`.
    public var description: String {
        switch self {
        case .standalone(let source): return "standalone(\(source))"
        case .redlock(let source): return "redlock(\(source))"
        case .cluster(let source): return "cluster(\(source))"
        case .sentinel(let source): return "sentinel(\(source))"
        case .etcd(let source): return "etcd(\(source))"
        case .zookeeper(let source): return "zookeeper(\(source))"
        }
    }

    /// The short name the `topology` CSV column and `--topology` use: `standalone`, `redlock:5`,
    /// `cluster:3x1`, `sentinel:1x2`, `etcd:3`, `zookeeper:1` (external ones: `cluster`, `sentinel`,
    /// `etcd`, `zookeeper`). A store's is also the `--target` value that starts it.
    public var topologyName: String {
        switch self {
        case .standalone: return "standalone"
        case .redlock(let source): return "redlock:\(source.count)"
        case .cluster(.embedded(let p, let r)): return "cluster:\(p)x\(r)"
        case .cluster(.external): return "cluster"
        case .sentinel(.embedded(let r, _)): return "sentinel:1x\(r)"
        case .sentinel(.external): return "sentinel"
        case .etcd(.embedded(let members)): return "etcd:\(members)"
        case .etcd(.external): return "etcd"
        case .zookeeper(.embedded(let servers)): return "zookeeper:\(servers)"
        case .zookeeper(.external): return "zookeeper"
        }
    }
}

/// In JSON, `{"topology": "redlock", "servers": {...}}`: a flat object a reader can follow, where the
/// synthesized form would nest the source under `_0`.
extension Deployment {
    private enum CodingKeys: String, CodingKey { case topology, servers, cluster, sentinel, store }
    private enum Topology: String, Codable { case standalone, redlock, cluster, sentinel, etcd, zookeeper }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(Topology.self, forKey: .topology) {
        case .standalone: self = .standalone(try container.decode(ServerSource.self, forKey: .servers))
        case .redlock: self = .redlock(try container.decode(ServerSource.self, forKey: .servers))
        case .cluster: self = .cluster(try container.decode(ClusterSource.self, forKey: .cluster))
        case .sentinel: self = .sentinel(try container.decode(SentinelSource.self, forKey: .sentinel))
        case .etcd: self = .etcd(try container.decode(StoreSource.self, forKey: .store))
        case .zookeeper: self = .zookeeper(try container.decode(StoreSource.self, forKey: .store))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .standalone(let source):
            try container.encode(Topology.standalone, forKey: .topology)
            try container.encode(source, forKey: .servers)
        case .redlock(let source):
            try container.encode(Topology.redlock, forKey: .topology)
            try container.encode(source, forKey: .servers)
        case .cluster(let source):
            try container.encode(Topology.cluster, forKey: .topology)
            try container.encode(source, forKey: .cluster)
        case .sentinel(let source):
            try container.encode(Topology.sentinel, forKey: .topology)
            try container.encode(source, forKey: .sentinel)
        case .etcd(let source):
            try container.encode(Topology.etcd, forKey: .topology)
            try container.encode(source, forKey: .store)
        case .zookeeper(let source):
            try container.encode(Topology.zookeeper, forKey: .topology)
            try container.encode(source, forKey: .store)
        }
    }
}

/// Servers lockbench starts for the run, or servers it is given.
public enum ServerSource: Codable, Sendable, Hashable, CustomStringConvertible {
    /// Started by lockbench (RedisFleet) on free ports or Unix sockets, stopped at the end.
    case embedded(count: Int, transport: EmbeddedTransport)
    /// Already running; never flushed, only the run's own keys are deleted.
    case external([Endpoint])

    /// Servers in the source.
    public var count: Int {
        switch self {
        case .embedded(let count, _): return count
        case .external(let endpoints): return endpoints.count
        }
    }

    /// `embedded 5, unix` or the endpoints, space-separated.
    public var description: String {
        switch self {
        case .embedded(let count, let transport): return "embedded \(count), \(transport.rawValue)"
        case .external(let endpoints): return endpoints.map(\.description).joined(separator: " ")
        }
    }
}

/// A cluster lockbench starts, or the seed nodes of one it is given (the slot map is discovered).
public enum ClusterSource: Codable, Sendable, Hashable, CustomStringConvertible {
    /// `primaries` primaries with `replicas` replicas each, on loopback TCP (the cluster bus needs TCP).
    case embedded(primaries: Int, replicas: Int)
    /// Any reachable nodes of the cluster.
    case external(seeds: [Endpoint])

    /// `embedded 3x1` or the seeds.
    public var description: String {
        switch self {
        case .embedded(let p, let r): return "embedded \(p)x\(r)"
        case .external(let seeds): return "seeds " + seeds.map(\.description).joined(separator: " ")
        }
    }
}

/// A Sentinel-watched primary lockbench starts, or the sentinels of one it is given.
public enum SentinelSource: Codable, Sendable, Hashable, CustomStringConvertible {
    /// One primary with `replicas` replicas, watched by `sentinels` sentinels.
    case embedded(replicas: Int, sentinels: Int)
    /// Sentinels that know the primary under `masterName`.
    case external(sentinels: [Endpoint], masterName: String)

    /// `embedded 1x2, 3 sentinels` or `mymaster via …`.
    public var description: String {
        switch self {
        case .embedded(let r, let s): return "embedded 1x\(r), \(s) sentinels"
        case .external(let sentinels, let name): return "\(name) via " + sentinels.map(\.description).joined(separator: " ")
        }
    }
}

/// How embedded servers listen.
public enum EmbeddedTransport: String, Codable, Sendable, Hashable, CaseIterable {
    /// Loopback TCP on free ports.
    case tcp
    /// Unix sockets in the fleet's directory: no TCP stack in the round trip.
    case unix
}
