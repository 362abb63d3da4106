import RESP
import RedisConnection

/// Moving one hash slot between primaries in the steps a resharding takes, so a test or a chaos run
/// can hold the slot half-migrated (clients get `ASK`) and then finish it (clients get `MOVED`).
extension RedisFleet {
    /// Step 1: `CLUSTER SETSLOT slot IMPORTING` on `to`, then `MIGRATING` on `from`. From now on `from`
    /// answers a command on a key it no longer has with `-ASK slot to`.
    ///
    /// The importing side goes first, as `redis-cli --cluster reshard` does: a client sent to `to` by an
    /// `ASK` must find it ready to accept `ASKING`.
    public func beginMigration(slot: Int, from: Int, to: Int) throws(FleetError) {
        let layout = try requireMigration(slot: slot, from: from, to: to)
        try clusterCommand(["CLUSTER", "SETSLOT", String(slot), "IMPORTING", layout.nodes[from].id], on: to)
        try clusterCommand(["CLUSTER", "SETSLOT", String(slot), "MIGRATING", layout.nodes[to].id], on: from)
    }

    /// Step 2: moves the slot's keys from `from` to `to`, `batch` keys per `MIGRATE ... KEYS`, until
    /// `from` has none left; returns how many it moved. May be called more than once, e.g. while
    /// clients keep writing (with the slot migrating, new keys already go to `to`).
    ///
    /// With a fleet password, `MIGRATE` carries `AUTH2` inside the connection: the target would refuse
    /// the keys otherwise, and the password never appears on a command line.
    @discardableResult
    public func migrateKeys(slot: Int, from: Int, to: Int, batch: Int = 100, timeoutMs: Int = 5_000) throws(FleetError) -> Int {
        _ = try requireMigration(slot: slot, from: from, to: to)
        guard batch >= 1, case .tcp(let host, let port) = endpoints[to] else {
            throw FleetError(.invalidArgument, detail: "migrateKeys needs a batch of at least 1 key, not \(batch)")
        }
        let auth = options.password.map { ["AUTH2", "default", $0] } ?? []
        var moved = 0
        while true {
            let keys = (try clusterCommand(["CLUSTER", "GETKEYSINSLOT", String(slot), String(batch)], on: from).elements ?? []).compactMap(\.string)
            guard !keys.isEmpty else { return moved }
            // REPLACE: a key a client already recreated on `to` (ASK sends writes there) loses to the
            // migrated one rather than failing the whole batch with BUSYKEY.
            try clusterCommand(["MIGRATE", host, String(port), "", "0", String(timeoutMs), "REPLACE"] + auth + ["KEYS"] + keys,
                               on: from, timeoutMs: timeoutMs + 2_000)
            moved += keys.count
        }
    }

    /// Step 3: `CLUSTER SETSLOT slot NODE to` on `to` first, then on every other running primary, and
    /// waits until every running node names `to` as the slot's owner. Returns the new layout.
    ///
    /// Moving the keys is the caller's step 2; finishing with keys left on the source would orphan them,
    /// so this refuses while `from` still holds any.
    @discardableResult
    public func finishMigration(slot: Int, from: Int, to: Int) async throws(FleetError) -> ClusterLayout {
        let layout = try requireMigration(slot: slot, from: from, to: to)
        let left = try clusterCommand(["CLUSTER", "COUNTKEYSINSLOT", String(slot)], on: from).integer ?? 0
        guard left == 0 else {
            throw FleetError(.cluster, node: from, endpoint: endpoints[from],
                             detail: "slot \(slot) still has \(left) keys on node \(from); finishing now would orphan them",
                             hint: "Call migrateKeys(slot:from:to:) first.")
        }
        let running = Set(nodes.filter { $0.state == .running }.map(\.index))
        // The target first: it must own the slot before the source stops redirecting with ASK, or a
        // client could bounce between them.
        let order = [to, from] + layout.primaries.map(\.index).filter { $0 != to && $0 != from }
        for index in order where running.contains(index) {
            try clusterCommand(["CLUSTER", "SETSLOT", String(slot), "NODE", layout.nodes[to].id], on: index)
        }
        let settled = try await awaitClusterSettled("every node to see slot \(slot) served by node \(to)") { view in
            view.owner(ofSlot: slot)?.index == to ? nil : "names node \(view.owner(ofSlot: slot)?.index.description ?? "none") as slot \(slot)'s owner"
        }
        state.withLock { $0.cluster = settled }
        return settled
    }

    /// Moves `slot` to primary `to` in all three steps; returns the new layout.
    @discardableResult
    public func migrateSlot(_ slot: Int, to: Int) async throws(FleetError) -> ClusterLayout {
        let layout = try requireClusterLayout()
        guard (0..<ClusterLayout.slotCount).contains(slot), let owner = layout.owner(ofSlot: slot) else {
            throw FleetError(.invalidArgument, detail: "slot \(slot) is outside 0..<16384 or has no owner")
        }
        try beginMigration(slot: slot, from: owner.index, to: to)
        try migrateKeys(slot: slot, from: owner.index, to: to)
        return try await finishMigration(slot: slot, from: owner.index, to: to)
    }

    private func requireMigration(slot: Int, from: Int, to: Int) throws(FleetError) -> ClusterLayout {
        let layout = try requireClusterLayout()
        guard (0..<ClusterLayout.slotCount).contains(slot), layout.nodes.indices.contains(from), layout.nodes.indices.contains(to),
              from != to, layout.nodes[from].role == .primary, layout.nodes[to].role == .primary
        else {
            throw FleetError(.invalidArgument,
                             detail: "cannot migrate slot \(slot) from node \(from) to node \(to): the slot must be in 0..<16384 and both nodes distinct primaries",
                             hint: "Pick nodes from clusterLayout.primaries; clusterLayout.owner(ofSlot:) names the source.")
        }
        return layout
    }
}
