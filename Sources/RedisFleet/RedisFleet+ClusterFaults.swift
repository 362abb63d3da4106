/// Breaking a cluster on purpose: failovers and a primary's crash. Each helper returns once every
/// running node agrees on the outcome, and records it as `clusterLayout`.
extension RedisFleet {
    /// `CLUSTER FAILOVER` (with `FORCE` by default: no handshake with the primary, as when it is
    /// unreachable) on node `replica`, then waits until every running node sees it as the primary of
    /// the slots its primary served and sees that primary (if it runs) as its replica.
    @discardableResult
    public func clusterFailover(replica: Int, force: Bool = true) async throws(FleetError) -> ClusterLayout {
        let before = try requireClusterLayout()
        guard let primary = before.nodes[replica].replicaOf else {
            throw FleetError(.invalidArgument, node: replica, endpoint: endpoints[replica],
                             detail: "node \(replica) is a \(before.nodes[replica].role), not a replica: there is nothing to fail over to it",
                             hint: "Pick one of clusterLayout.replicas(of:).")
        }
        try clusterCommand(["CLUSTER", "FAILOVER"] + (force ? ["FORCE"] : []), on: replica)
        return try await awaitPromotion(of: replica, replacing: primary, slots: before.nodes[primary].slots)
    }

    /// SIGKILLs primary `primary` and waits until the cluster, after `cluster-node-timeout`, has marked it
    /// failed and promoted one of its replicas, and every running node agrees. Returns the new layout;
    /// `layout.owner(ofSlot:)` names the promoted replica.
    @discardableResult
    public func killPrimaryAndAwaitPromotion(_ primary: Int) async throws(FleetError) -> ClusterLayout {
        let before = try requireClusterLayout()
        let node = before.nodes[primary]
        let candidates = before.replicas(of: primary).map(\.index)
        guard node.role == .primary, !node.slots.isEmpty, !candidates.isEmpty else {
            throw FleetError(.invalidArgument, node: primary, endpoint: endpoints[primary],
                             detail: "node \(primary) is not a primary with slots and a replica; killing it would promote nobody",
                             hint: "Start the cluster with replicasPerPrimary >= 1 and pick one of clusterLayout.primaries.")
        }
        kill(primary)
        return try await awaitPromotion(of: nil, among: candidates, replacing: primary, slots: node.slots)
    }

    /// Waits until a replica of `primary` (`replica`, or any of `candidates`) serves all of `slots` in
    /// every running node's view; the old primary, when it runs, must have become a replica.
    private func awaitPromotion(
        of replica: Int?, among candidates: [Int] = [], replacing primary: Int, slots: [ClosedRange<Int>]
    ) async throws(FleetError) -> ClusterLayout {
        let allowed = replica.map { [$0] } ?? candidates
        let primaryRuns = nodes[primary].state == .running
        let layout = try await awaitClusterSettled("node \(allowed.map(String.init).joined(separator: " or ")) to take over from primary \(primary)") { view in
            guard let owner = slots.first.flatMap({ view.owner(ofSlot: $0.lowerBound) }), allowed.contains(owner.index) else {
                return "does not yet see a replica of node \(primary) serving its slots"
            }
            guard ClusterLayout.merged(owner.slots.filter { range in slots.contains { $0.overlaps(range) } }) == ClusterLayout.merged(slots) else {
                return "sees node \(owner.index) serving only part of node \(primary)'s slots"
            }
            if primaryRuns, view.nodes[primary].replicaOf != owner.index {
                return "does not yet see node \(primary) as a replica of node \(owner.index)"
            }
            return nil
        }
        state.withLock { $0.cluster = layout }
        return layout
    }

    /// Cuts replica `replica`'s link to its primary and keeps it down: the replica is given a wrong
    /// `masterauth` and its link is dropped, so each resync it tries fails to authenticate. A write the
    /// primary acknowledges from then on certainly never reaches it (not a race against replication
    /// lag, which on loopback the primary would almost always lose). With `cluster-replica-validity-factor 0`
    /// it can still be promoted; it stays unable to follow any primary, so use it once per cluster.
    public func holdReplicaLinkDown(_ replica: Int) async throws(FleetError) {
        let layout = try requireClusterLayout()
        guard layout.nodes.indices.contains(replica), layout.nodes[replica].replicaOf != nil else {
            throw FleetError(.invalidArgument, detail: "node \(replica) is not a replica of this cluster", hint: "Pick one of clusterLayout.replicas(of:).")
        }
        try clusterCommand(["CONFIG", "SET", "masterauth", "lockbench-refused-\(UInt64.random(in: 0...UInt64.max))"], on: replica)
        try clusterCommand(["CLIENT", "KILL", "TYPE", "master"], on: replica)
        try await awaitCluster("the replica's link to its primary to go down", among: [replica], boundMs: 10_000) { index throws(FleetError) in
            let info = try clusterCommand(["INFO", "replication"], on: index).string ?? ""
            return info.contains("master_link_status:down") ? nil : "still has its replication link up"
        }
    }

    /// Waits until every running node agrees on one layout with `cluster_state:ok` (e.g. after
    /// `restart` of a failed primary, which rejoins as a replica), records it and returns it.
    @discardableResult
    public func awaitClusterSettled() async throws(FleetError) -> ClusterLayout {
        _ = try requireClusterLayout()
        let layout = try await awaitClusterSettled("the cluster to settle") { _ in nil }
        state.withLock { $0.cluster = layout }
        return layout
    }

    func requireClusterLayout() throws(FleetError) -> ClusterLayout {
        guard let layout = clusterLayout else {
            throw FleetError(.invalidArgument, detail: "this fleet is not a cluster", hint: "Start it with RedisFleet.startCluster.")
        }
        return layout
    }
}
