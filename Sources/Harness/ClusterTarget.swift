import BenchMetrics
import LoadDriver
import RESP
import RedisCluster
import RedisConnection
import RedisFleet

/// The cluster deployment's part of the harness, in one place: starting the embedded cluster, naming
/// its primaries, wrapping the client's connector in a `ClusterConnector`, refusing a target of the
/// wrong kind, and the run's redirect and per-shard figures.
enum ClusterTarget {
    /// Starts the embedded cluster `shape` names, if any.
    static func start(
        _ shape: (primaries: Int, replicas: Int)?, serverConfig: [(name: String, value: String)], tls: Bool
    ) async throws(HarnessError) -> RedisFleet? {
        guard let (primaries, replicas) = shape else { return nil }
        do {
            let options = RedisServerOptions(
                transport: .tcp, extraConfig: serverConfig.map { ConfigDirective($0.name, $0.value) }, tls: tls ? ServerTLS() : nil)
            return try await RedisFleet.startCluster(primaries: primaries, replicasPerPrimary: replicas, options: options)
        } catch {
            throw HarnessError("cannot start a \(primaries)x\(replicas) cluster: \(error)")
        }
    }

    /// The embedded cluster's primaries in slot order, or the seeds of an external one (`resolve`
    /// turns those into the primaries).
    static func endpoints(_ source: ClusterSource, embedded: RedisFleet?, tls: Bool) throws(HarnessError) -> [Endpoint] {
        switch source {
        case .external(let seeds): return seeds
        case .embedded(let primaries, let replicas):
            guard let layout = embedded?.clusterLayout, layout.primaries.count == primaries,
                  layout.nodes.count == primaries * (1 + replicas) else {
                throw HarnessError("cluster:\(primaries)x\(replicas) needs that embedded cluster; the session started \(embedded.map { "\($0.count) cluster nodes" } ?? "none")")
            }
            let primaries = layout.primaries.sorted { ($0.slots.first?.lowerBound ?? 0) < ($1.slots.first?.lowerBound ?? 0) }
            guard tls else { return primaries.map(\.endpoint) }
            guard let fleet = embedded, fleet.tlsEndpoints.count == fleet.count else {
                throw HarnessError("cluster:\(primaries.count)x\(replicas) asks for TLS, but the embedded cluster was started without it")
            }
            return primaries.map { fleet.tlsEndpoints[$0.index] }
        }
    }

    /// For a cluster scenario: the primaries in slot order (read from the first seed that answers) and
    /// the client's connector wrapped so every connection routes by slot. Other deployments pass through.
    static func resolve(
        _ scenario: Scenario, endpoints: [Endpoint], connector: any RedisConnector, options: ConnectionOptions
    ) async throws(HarnessError) -> (endpoints: [Endpoint], connector: any RedisConnector) {
        guard case .cluster = scenario.deployment else { return (endpoints, connector) }
        let cluster = ClusterConnector(wrapping: connector)
        var failures: [String] = []
        for seed in endpoints {
            let map: SlotMap
            do throws(ClusterMapError) {
                map = try await cluster.slotMap(at: seed, options: options)
                guard !map.shards.isEmpty else { throw ClusterMapError(.unreadable("no primary serves any slot"), endpoint: seed) }
            } catch {
                if error.isNotCluster { throw HarnessError(notClusterMessage(seed)) }
                failures.append(error.description)
                continue
            }
            let nodes = scenario.lock.redlock.nodes
            if scenario.lock.algorithm == .redlock, nodes > map.shards.count {
                throw HarnessError("redlock with --redlock-nodes \(nodes) needs that many cluster primaries; the cluster at \(seed) has \(map.shards.count). Use --redlock-nodes \(map.shards.count) or fewer.")
            }
            return (map.shards.map(\.primary), cluster)
        }
        throw HarnessError("no --cluster seed gave a slot map: \(failures.joined(separator: "; ")). Check the addresses and that the cluster is up (cluster_state:ok).")
    }

    /// Refuses a cluster node named by `--server` before anything is measured: its MOVED replies would
    /// be counted as lock errors. (`--cluster` at a standalone server is refused by `resolve`, whose
    /// slot map read fails first; the endpoints a cluster run gets are primaries from that map.)
    /// Embedded servers are what lockbench started, so they are not asked.
    static func checkKind(
        _ deployment: Deployment, endpoints: [Endpoint], connector: any RedisConnector, options: ConnectionOptions
    ) async throws(HarnessError) {
        switch deployment {
        case .standalone(.external), .redlock(.external): break
        default: return
        }
        for endpoint in endpoints where await clusterEnabled(endpoint, connector: connector, options: options) == true {
            throw HarnessError(
                "--server \(endpoint) is a Redis Cluster node (INFO cluster: cluster_enabled:1): a standalone run would get MOVED for every key on another shard. Use --cluster \(endpoint) instead.")
        }
    }

    static func notClusterMessage(_ endpoint: Endpoint) -> String {
        "--cluster \(endpoint) is not a Redis Cluster node (INFO cluster: cluster_enabled:0). Give a node of a cluster as --cluster, or use --server \(endpoint) for a standalone server."
    }

    /// Whether `INFO cluster` says `cluster_enabled:1`; `nil` when the server did not answer (the
    /// handshake already reported an unreachable one).
    private static func clusterEnabled(_ endpoint: Endpoint, connector: any RedisConnector, options: ConnectionOptions) async -> Bool? {
        guard let connection = try? await connector.connect(to: endpoint, options: options) else { return nil }
        defer { connection.close() }
        guard let text = try? await connection.send(["INFO", "cluster"]).string else { return nil }
        return text.contains("cluster_enabled:1")
    }

    /// Redirects by kind (over the whole run, warm-up included: a migration in the warm-up still
    /// counts) and each primary's grants and CPU in the window; `nil` off a cluster.
    static func figures(
        _ measured: DriverOutcome, scenario: Scenario, endpoints: [Endpoint], connector: any RedisConnector,
        options: ConnectionOptions, keyPrefix: String
    ) async -> ClusterFigures? {
        guard case .cluster = scenario.deployment, let cluster = connector as? ClusterConnector else { return nil }
        let counts = cluster.counters.snapshot
        let map = try? await cluster.slotMap(at: endpoints[0], options: options)
        var grants = Array(repeating: 0, count: endpoints.count)
        if scenario.lock.algorithm != .redlock, let map, let byKey = measured.recorder.grantsByKey {
            for (key, n) in byKey.enumerated() where n > 0 {
                let primary = map.primary(forSlot: HashSlot.slot(of: LoadRun.keyName(prefix: keyPrefix, key: key)))
                if let index = endpoints.firstIndex(where: { $0 == primary }) { grants[index] += n }
            }
        }
        let window = measured.windowSeconds
        let shards = endpoints.enumerated().map { index, primary in
            let delta = index < measured.serverDeltas.count ? measured.serverDeltas[index] : nil
            let perShard = scenario.lock.algorithm == .redlock || map == nil ? nil : grants[index]
            return ShardFigures(
                primary: primary.description,
                slots: map?.shards.first { $0.primary == primary }?.slotCount ?? 0,
                grants: perShard,
                grantsPerSecond: perShard.flatMap { window > 0 ? Double($0) / window : nil },
                serverCPUPercent: delta?.cpuS.flatMap { window > 0 ? $0 / window * 100 : nil })
        }
        return ClusterFigures(moved: counts.moved, ask: counts.ask, tryAgain: counts.tryAgain, clusterDown: counts.clusterDown,
                              crossSlot: counts.crossSlot, shards: shards)
    }

    /// What cleanup connects with and how it batches its UNLINKs: on a cluster, each primary directly
    /// (SCAN is per node) with one UNLINK per slot; elsewhere the connector as given, one per page.
    static func cleanupPlan(_ connector: any RedisConnector) -> (connector: any RedisConnector, group: (@Sendable (String) -> Int)?) {
        guard let cluster = connector as? ClusterConnector else { return (connector, nil) }
        return (cluster.inner, { HashSlot.slot(of: $0) })
    }
}
