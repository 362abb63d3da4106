import RedisConnection

/// Which deployment a fleet embeds, as `--topology` spells it: `standalone`, `cluster:PxR` (P primaries
/// with R replicas each) or `sentinel:1xR` (one primary, R replicas, 3 Sentinels).
public enum FleetTopology: Sendable, Hashable, CustomStringConvertible {
    /// Independent servers.
    case standalone(count: Int)
    case cluster(primaries: Int, replicasPerPrimary: Int)
    /// One primary with `replicas` replicas, watched by three Sentinels.
    case sentinel(replicas: Int)

    /// The most nodes one topology may start (Sentinels not counted).
    public static let maxNodes = 64

    /// Parses `standalone`, `cluster:3x1` or `sentinel:1x2`; throws a message naming the accepted forms.
    public init(parsing text: String) throws(TopologyParseError) {
        if text == "standalone" {
            self = .standalone(count: 1)
            return
        }
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[0] == "cluster" || parts[0] == "sentinel" else {
            throw TopologyParseError(input: text, reason: "unknown topology")
        }
        let shape = parts[1].split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        guard shape.count == 2, let primaries = shape[0], let replicas = shape[1] else {
            throw TopologyParseError(input: text, reason: "'\(parts[1])' is not PxR (primaries x replicas each, e.g. 3x1)")
        }
        guard primaries >= 1, replicas >= 0, primaries * (1 + replicas) <= Self.maxNodes else {
            throw TopologyParseError(input: text, reason: "needs at least 1 primary, 0 or more replicas each, and at most \(Self.maxNodes) nodes")
        }
        if parts[0] == "cluster" {
            self = .cluster(primaries: primaries, replicasPerPrimary: replicas)
            return
        }
        guard primaries == 1 else {
            throw TopologyParseError(input: text, reason: "Sentinel watches one primary, so P must be 1 (e.g. sentinel:1x2)")
        }
        guard replicas >= 1 else {
            throw TopologyParseError(input: text, reason: "Sentinel needs a replica to promote, so R must be at least 1 (e.g. sentinel:1x1)")
        }
        self = .sentinel(replicas: replicas)
    }

    /// The `--topology` spelling, e.g. `cluster:3x1`.
    public var description: String {
        switch self {
        case .standalone(let count): return count == 1 ? "standalone" : "standalone x\(count)"
        case .cluster(let primaries, let replicas): return "cluster:\(primaries)x\(replicas)"
        case .sentinel(let replicas): return "sentinel:1x\(replicas)"
        }
    }

    /// Starts the topology with `options` (TCP only for cluster and Sentinel).
    public func start(options: RedisServerOptions = .init()) async throws(FleetError) -> RunningTopology {
        switch self {
        case .standalone(let count):
            return .standalone(try await RedisFleet.start(count: count, options: options))
        case .cluster(let primaries, let replicas):
            return .cluster(try await RedisFleet.startCluster(primaries: primaries, replicasPerPrimary: replicas, options: options))
        case .sentinel(let replicas):
            return .sentinel(try await RedisFleet.startSentinelTopology(replicas: replicas, options: options))
        }
    }
}

/// Why a `--topology` value could not be read.
public struct TopologyParseError: Error, Sendable, CustomStringConvertible {
    public var input: String
    public var reason: String

    /// What is wrong and the accepted forms.
    public var description: String {
        "invalid topology '\(input)': \(reason). Use standalone, cluster:PxR (e.g. cluster:3x1) or sentinel:1xR (e.g. sentinel:1x2)"
    }
}

/// A started topology: what `FleetTopology.start` returns, and what stops it.
public enum RunningTopology: Sendable {
    case standalone(RedisFleet)
    /// A fleet whose `clusterLayout` is set.
    case cluster(RedisFleet)
    case sentinel(SentinelTopology)

    /// Every process's endpoint, data nodes first, then Sentinels.
    public var allEndpoints: [Endpoint] {
        switch self {
        case .standalone(let fleet), .cluster(let fleet): return fleet.endpoints
        case .sentinel(let topology): return topology.servers.endpoints + topology.sentinelEndpoints
        }
    }

    /// The `redis-server` version the nodes run.
    public var redisVersion: String {
        switch self {
        case .standalone(let fleet), .cluster(let fleet): return fleet.redisVersion
        case .sentinel(let topology): return topology.servers.redisVersion
        }
    }

    /// One line per process, its endpoint first, then its role: a cluster node's id and slots (or
    /// the primary it follows), a Sentinel's master name.
    public var lines: [String] {
        switch self {
        case .standalone(let fleet):
            return fleet.endpoints.map(\.description)
        case .cluster(let fleet):
            return fleet.clusterLayout.map { $0.description.split(separator: "\n").map(String.init) } ?? fleet.endpoints.map(\.description)
        case .sentinel(let topology):
            return topology.description.split(separator: "\n").map(String.init)
        }
    }

    /// Stops every process and removes every temp directory.
    public func stop() async {
        switch self {
        case .standalone(let fleet), .cluster(let fleet): await fleet.stop()
        case .sentinel(let topology): await topology.stop()
        }
    }
}
