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
