import RedisConnection

/// A started deployment of any shape (`bench servers --topology`): what it prints, and what stops it.
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
            return (fleet.tlsEndpoints.isEmpty ? fleet.endpoints : fleet.tlsEndpoints).map(\.description)
        case .cluster(let fleet):
            let nodes = fleet.clusterLayout.map { $0.description.split(separator: "\n").map(String.init) } ?? fleet.endpoints.map(\.description)
            return nodes + Self.tlsLine(fleet)
        case .sentinel(let topology):
            return topology.description.split(separator: "\n").map(String.init) + Self.tlsLine(topology.servers)
        }
    }

    /// The run's certificates, when the servers serve TLS.
    public var certificates: TLSCertificates? {
        switch self {
        case .standalone(let fleet), .cluster(let fleet): return fleet.certificates
        case .sentinel(let topology): return topology.servers.certificates
        }
    }

    /// Clients dial the TLS ports; the node lines above show the plain ones the fleet's probes use.
    private static func tlsLine(_ fleet: RedisFleet) -> [String] {
        fleet.tlsEndpoints.isEmpty ? [] : ["TLS ports, node order: " + fleet.tlsEndpoints.map(\.description).joined(separator: " ")]
    }

    /// Stops every process and removes every temp directory.
    public func stop() async {
        switch self {
        case .standalone(let fleet), .cluster(let fleet): await fleet.stop()
        case .sentinel(let topology): await topology.stop()
        }
    }
}
