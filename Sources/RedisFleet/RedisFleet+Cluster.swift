import POSIX
import RESP
import RedisConnection

/// A fleet that runs as one Redis Cluster.
///
/// Node indices: primaries first (`0..<primaries`), then the replicas, primary by primary: node
/// `primaries + p * replicasPerPrimary + r` is replica `r` of primary `p`. `kill`, `pause`,
/// `restart` and `stop` work as on any fleet; a restarted node keeps its `nodes.conf` and rejoins.
extension RedisFleet {
    /// The layout the fleet established at start, as updated by its cluster fault helpers; `nil`
    /// for a fleet that is not a cluster. `readClusterLayout(from:)` asks the nodes instead.
    public var clusterLayout: ClusterLayout? { state.withLock { $0.cluster } }

    /// Starts `primaries × (1 + replicasPerPrimary)` cluster nodes, splits the 16384 slots evenly over
    /// the primaries, attaches the replicas, and returns once every node reports `cluster_state:ok`,
    /// agrees on who owns which slot and who replicates whom, and every replica is in sync.
    ///
    /// `nodeTimeoutMs` is `cluster-node-timeout`: how long a silent primary keeps its slots before its
    /// replica takes over. TCP only (the cluster bus is TCP); Redis 7.0 or later (`ADDSLOTSRANGE`).
    public static func startCluster(
        primaries: Int, replicasPerPrimary: Int = 0, nodeTimeoutMs: Int = 1_000, options: RedisServerOptions = .init()
    ) async throws(FleetError) -> RedisFleet {
        guard primaries >= 1, replicasPerPrimary >= 0, primaries * (1 + replicasPerPrimary) <= 64 else {
            throw FleetError(.invalidArgument, detail: "a cluster needs 1 or more primaries, 0 or more replicas each and at most 64 nodes, not \(primaries)x\(replicasPerPrimary)")
        }
        guard nodeTimeoutMs >= 100 else {
            throw FleetError(.invalidArgument, detail: "cluster-node-timeout must be at least 100 ms, not \(nodeTimeoutMs)")
        }
        guard options.transport == .tcp else {
            throw FleetError(.invalidArgument, detail: "a cluster cannot listen on Unix sockets: its nodes talk over the TCP cluster bus (port + 10000)",
                             hint: "Use RedisServerOptions(transport: .tcp).")
        }
        let directives = TopologyConfig.cluster(.init(nodeTimeoutMs: nodeTimeoutMs), options)
        let fleet = try await start(count: primaries * (1 + replicasPerPrimary), options: TopologyConfig.applying(directives, to: options),
                                    ports: .withClusterBus)
        do {
            let layout = try await fleet.formCluster(primaries: primaries, replicasPerPrimary: replicasPerPrimary)
            fleet.state.withLock { $0.cluster = layout }
        } catch {
            await fleet.stop()
            throw error
        }
        return fleet
    }

    /// The layout node `index` reports now (by default the first node that answers).
    public func readClusterLayout(from index: Int? = nil) throws(FleetError) -> ClusterLayout {
        let candidates = index.map { [$0] } ?? Array(endpoints.indices)
        var lastError = FleetError(.cluster, detail: "no node answered CLUSTER NODES")
        for candidate in candidates {
            do throws(FleetError) {
                let text = try clusterCommand(["CLUSTER", "NODES"], on: candidate).string ?? ""
                guard let layout = ClusterLayout(entries: ClusterNodesEntry.parse(text), endpoints: endpoints) else {
                    throw FleetError(.cluster, node: candidate, endpoint: endpoints[candidate],
                                     detail: "CLUSTER NODES does not list exactly this fleet's nodes yet:\n\(text)")
                }
                return layout
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    private func formCluster(primaries: Int, replicasPerPrimary: Int) async throws(FleetError) -> ClusterLayout {
        var ids: [String] = []
        for index in endpoints.indices {
            guard let id = try clusterCommand(["CLUSTER", "MYID"], on: index).string else {
                throw FleetError(.cluster, node: index, endpoint: endpoints[index], detail: "CLUSTER MYID returned no id")
            }
            ids.append(id)
        }
        let ranges = ClusterLayout.evenSlotRanges(primaries: primaries)
        for primary in 0..<primaries {
            try clusterCommand(["CLUSTER", "ADDSLOTSRANGE", String(ranges[primary].lowerBound), String(ranges[primary].upperBound)], on: primary)
            // Distinct epochs up front, as redis-cli does: otherwise the nodes spend rounds resolving collisions.
            try clusterCommand(["CLUSTER", "SET-CONFIG-EPOCH", String(primary + 1)], on: primary)
        }
        for index in endpoints.indices.dropFirst() {
            // Under `tls-cluster yes` the bus listens on tls-port + 10000: meet at the TLS port.
            guard case .tcp(let host, let port) = announcedEndpoints[index] else { continue }
            try clusterCommand(["CLUSTER", "MEET", host, String(port)], on: 0)
        }
        // A replica can only follow a primary it has met and knows to be a primary.
        try await awaitCluster("every node to meet every other") { index throws(FleetError) in
            let entries = ClusterNodesEntry.parse(try clusterCommand(["CLUSTER", "NODES"], on: index).string ?? "")
            let settled = entries.count == endpoints.count && entries.allSatisfy(\.isSettled)
            return settled ? nil : "knows \(entries.filter(\.isSettled).count) of \(endpoints.count) nodes"
        }

        var nodes = (0..<primaries).map { primary in
            ClusterLayout.Node(index: primary, endpoint: endpoints[primary], id: ids[primary], role: .primary,
                               slots: [ranges[primary]], replicaOf: nil)
        }
        for primary in 0..<primaries {
            for replica in 0..<replicasPerPrimary {
                let index = primaries + primary * replicasPerPrimary + replica
                try clusterCommand(["CLUSTER", "REPLICATE", ids[primary]], on: index)
                nodes.append(ClusterLayout.Node(index: index, endpoint: endpoints[index], id: ids[index], role: .replica,
                                                slots: [], replicaOf: primary))
            }
        }
        let expected = ClusterLayout(nodes: nodes)
        try await awaitClusterAgrees(on: expected, what: "the cluster to settle with every slot assigned")
        return expected
    }

    /// Waits until every running node reports `cluster_state:ok` and `expected` as its view, and every
    /// replica's link to its primary is up; fails with the log of the first node that does not.
    func awaitClusterAgrees(on expected: ClusterLayout, what: String, boundMs: Int = 30_000) async throws(FleetError) {
        _ = try await awaitClusterSettled(what, boundMs: boundMs) { $0 == expected ? nil : "sees a different layout:\n\($0)" }
    }

    /// Waits until every running node reports `cluster_state:ok` and the same layout, `accept` finds
    /// nothing wrong with it (it returns what is still wrong), and every replica whose primary runs has
    /// its replication link up. Returns that layout.
    func awaitClusterSettled(
        _ what: String, boundMs: Int = 30_000, _ accept: (ClusterLayout) -> String?
    ) async throws(FleetError) -> ClusterLayout {
        let running = Set(nodes.filter { $0.state == .running }.map(\.index))
        var agreed: ClusterLayout?
        try await awaitCluster(what, among: running, boundMs: boundMs) { index throws(FleetError) in
            if index == running.min() { agreed = nil }
            let info = try clusterCommand(["CLUSTER", "INFO"], on: index).string ?? ""
            guard info.contains("cluster_state:ok") else { return "reports cluster_state other than ok" }
            let view = try readClusterLayout(from: index)
            if let agreed, view != agreed { return "sees a layout other nodes do not:\n\(view)" }
            if let problem = accept(view) { return problem }
            agreed = view
            if let primary = view.nodes[index].replicaOf, running.contains(primary) {
                let replication = try clusterCommand(["INFO", "replication"], on: index).string ?? ""
                guard replication.contains("master_link_status:up") else { return "has no replication link to its primary yet" }
            }
            return nil
        }
        guard let agreed else { throw FleetError(.cluster, detail: "no node of the cluster is running") }
        return agreed
    }

    /// Polls `check` on each node of `among` (default: all) every 20 ms until it returns `nil` for all;
    /// `check` returns what is still wrong. The bound only turns a broken cluster into an error.
    func awaitCluster(
        _ what: String, among: Set<Int>? = nil, boundMs: Int = 30_000, _ check: (Int) throws(FleetError) -> String?
    ) async throws(FleetError) {
        let indices = (among ?? Set(endpoints.indices)).sorted()
        let deadline = MonotonicClock.nanos() + UInt64(boundMs) * 1_000_000
        while true {
            var lagging: (index: Int, reason: String)?
            for index in indices {
                let reason: String?
                do { reason = try check(index) } catch { reason = error.description }
                if let reason {
                    lagging = (index, reason)
                    break
                }
            }
            guard let lagging else { return }
            guard MonotonicClock.nanos() < deadline else {
                throw FleetError(.cluster, node: lagging.index, endpoint: endpoints[lagging.index],
                                 detail: "timed out after \(boundMs) ms waiting for \(what): the node \(lagging.reason)",
                                 hint: "The machine may be overloaded, or a node is down; every node's log is in \(directory).",
                                 logTail: Self.logTail(layouts[lagging.index], since: (log: 0, output: 0)))
            }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
    }

    /// Sends one admin command to node `index` (after `AUTH` when the fleet has a password) and returns
    /// its reply; a transport failure or an error reply throws, naming the command and the node.
    @discardableResult
    func clusterCommand(_ arguments: [String], on index: Int, timeoutMs: Int = 2_000) throws(FleetError) -> RESPValue {
        checkIndex(index)
        let what = arguments.prefix(2).joined(separator: " ")
        let reply: RESPValue
        do {
            reply = try authenticatedCommand(arguments, at: endpoints[index], timeoutMs: timeoutMs)
        } catch {
            throw FleetError(.cluster, node: index, endpoint: endpoints[index], detail: "\(what): \(error)")
        }
        if let message = reply.errorMessage {
            throw FleetError(.cluster, node: index, endpoint: endpoints[index], detail: "\(what): \(message)",
                             hint: "Cluster setup needs redis-server 7.0 or later (CLUSTER ADDSLOTSRANGE); this is \(redisVersion).")
        }
        return reply
    }

    /// One command on its own connection, preceded by `AUTH` when the fleet has a password; the
    /// password travels only inside the connection, never on a command line.
    func authenticatedCommand(_ arguments: [String], at endpoint: Endpoint, timeoutMs: Int) throws(RedisError) -> RESPValue {
        guard let password = options.password else {
            return try RedisProbe.command(arguments, at: endpoint, timeoutMs: timeoutMs)
        }
        let replies = try RedisProbe.commands([["AUTH", password], arguments], at: endpoint, timeoutMs: timeoutMs)
        if let message = replies[0].errorMessage { return .simpleError(message) }
        return replies[1]
    }
}
