import LoadDriver
import RedisConnection
import RedisFleet

/// The servers a session's scenarios run on: one embedded fleet sized for the largest embedded
/// deployment (Redlock's 5 masters; standalone scenarios use the first), started once and stopped at
/// the end, or a fleet the caller started and keeps (chaos kills and pauses its nodes). External
/// deployments bring their own endpoints.
public final class ServerSet: Sendable {
    /// The embedded servers, if any.
    public let fleet: RedisFleet?
    /// The embedded cluster, if a scenario runs on one (a fleet of its own: cluster nodes cannot serve
    /// standalone scenarios).
    public let cluster: RedisFleet?
    let owned: Bool

    /// Uses `fleet` for embedded deployments (for cluster ones too when it runs as a cluster); the
    /// caller stops it.
    public init(provided fleet: RedisFleet) {
        self.fleet = fleet
        self.cluster = fleet.clusterLayout == nil ? nil : fleet
        self.owned = false
    }

    init(started fleet: RedisFleet?, cluster: RedisFleet? = nil) {
        self.fleet = fleet
        self.cluster = cluster
        self.owned = true
    }

    /// Starts what `deployments` need from an embedded fleet (nothing when all are external), each
    /// server with `serverConfig`'s `redis.conf` directives after the fleet's own (a later one wins).
    public static func start(
        for deployments: [Deployment], serverConfig: [(name: String, value: String)] = []
    ) async throws(HarnessError) -> ServerSet {
        var count = 0
        var transport = EmbeddedTransport.tcp
        var clusterShape: (primaries: Int, replicas: Int)?
        for deployment in deployments {
            switch deployment.embeddedTopology {
            case .servers(let n, let t)?:
                if n > count { count = n }
                transport = t
            case .cluster(let p, let r)?:
                if let shape = clusterShape, shape != (p, r) {
                    throw HarnessError("one session runs one embedded cluster; cluster:\(shape.primaries)x\(shape.replicas) and cluster:\(p)x\(r) were both asked for: run them separately")
                }
                clusterShape = (p, r)
            case .sentinel?:
                // Filled in by the Sentinel target.
                throw HarnessError("\(deployment): embedded \(deployment.topologyName) is not available yet")
            case nil: continue
            }
        }
        let cluster = try await ClusterTarget.start(clusterShape, serverConfig: serverConfig)
        guard count > 0 else { return ServerSet(started: nil, cluster: cluster) }
        do {
            let options = RedisServerOptions(
                transport: transport == .unix ? .unix : .tcp, extraConfig: serverConfig.map { ConfigDirective($0.name, $0.value) })
            return ServerSet(started: try await RedisFleet.start(count: count, options: options), cluster: cluster)
        } catch {
            await cluster?.stop()
            throw HarnessError("cannot start \(count) redis-server: \(error)")
        }
    }

    /// The endpoints `deployment` runs on.
    public func endpoints(for deployment: Deployment) throws(HarnessError) -> [Endpoint] {
        switch deployment {
        case .standalone(.external(let endpoints)), .redlock(.external(let endpoints)): return endpoints
        case .standalone(.embedded(let count, _)), .redlock(.embedded(let count, _)):
            guard let fleet, fleet.endpoints.count >= count else {
                throw HarnessError("\(deployment) needs \(count) embedded server(s); the session has \(fleet?.endpoints.count ?? 0)")
            }
            return Array(fleet.endpoints.prefix(count))
        case .cluster(let source):
            return try ClusterTarget.endpoints(source, embedded: cluster)
        case .sentinel:
            throw HarnessError("\(deployment): \(deployment.topologyName) targets are not available yet")
        }
    }

    /// The embedded servers' version, if any were started.
    public var redisVersion: String? { fleet?.redisVersion ?? cluster?.redisVersion }

    /// Stops the fleets if this set started them.
    public func stop() async {
        if owned {
            await fleet?.stop()
            await cluster?.stop()
        }
    }
}
