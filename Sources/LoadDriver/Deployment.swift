import RedisConnection

/// Where a scenario's servers come from and how they are arranged. Each case names a topology; its
/// `ServerSource` says whether lockbench starts the servers or is given them. Cluster, Sentinel and
/// etcd become further cases here, so every command learns a new deployment from this one value.
public enum Deployment: Codable, Sendable, Hashable, CustomStringConvertible {
    /// One Redis server (extra external servers are ignored: the run uses the first).
    case standalone(ServerSource)
    /// Independent masters for Redlock, one per node.
    case redlock(ServerSource)

    /// The servers' source, whatever the topology.
    public var source: ServerSource {
        switch self {
        case .standalone(let source), .redlock(let source): return source
        }
    }

    /// Whether lockbench starts (and stops) the servers itself.
    public var isEmbedded: Bool {
        if case .embedded = source { return true }
        return false
    }

    /// How many servers the run talks to.
    public var serverCount: Int { source.count }

    /// `standalone(embedded 1, tcp)`, `redlock(127.0.0.1:7000 …)`.
    public var description: String {
        switch self {
        case .standalone(let source): return "standalone(\(source))"
        case .redlock(let source): return "redlock(\(source))"
        }
    }
}

/// In JSON, `{"topology": "redlock", "servers": {...}}`: a flat object a reader can follow, where the
/// synthesized form would nest the source under `_0`.
extension Deployment {
    private enum CodingKeys: String, CodingKey { case topology, servers }
    private enum Topology: String, Codable { case standalone, redlock }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let source = try container.decode(ServerSource.self, forKey: .servers)
        switch try container.decode(Topology.self, forKey: .topology) {
        case .standalone: self = .standalone(source)
        case .redlock: self = .redlock(source)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .standalone: try container.encode(Topology.standalone, forKey: .topology)
        case .redlock: try container.encode(Topology.redlock, forKey: .topology)
        }
        try container.encode(source, forKey: .servers)
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

/// How embedded servers listen.
public enum EmbeddedTransport: String, Codable, Sendable, Hashable, CaseIterable {
    /// Loopback TCP on free ports.
    case tcp
    /// Unix sockets in the fleet's directory: no TCP stack in the round trip.
    case unix
}
