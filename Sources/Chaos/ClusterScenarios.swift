import LoadDriver
import Locks
import RedisCluster
import RedisConnection
import RedisFleet
import Reports

/// The cluster scenarios: a lock's shard fails over (the failover scenario's trial, on a cluster shard
/// promoted by the cluster itself), and a lock's slot moves to another primary under load.
extension ChaosRun {
    /// How the cluster takes a primary out.
    enum ClusterFault: Sendable, Hashable {
        /// SIGKILL; the replica takes over after `cluster-node-timeout`, voted in by the other primaries.
        case killed
        /// `CLUSTER FAILOVER FORCE` on the replica: promoted at once, without the primary's agreement.
        case forced
    }

    struct ClusterFailoverVariant: Sendable {
        var failover: FailoverVariant
        var fault: ClusterFault
    }

    /// Each fault with the replica behind and no `WAIT` (the lock is lost), then with `WAIT 1` behind
    /// (the first client refuses) and in sync (the promoted replica refuses the second).
    static let clusterFailoverVariants: [ClusterFailoverVariant] = [ClusterFault.killed, .forced].flatMap { fault in
        let name = fault == .killed ? "kill -9" : "CLUSTER FAILOVER FORCE"
        return [
            ClusterFailoverVariant(failover: FailoverVariant(name: "\(name), replica behind", waitMs: nil, replicaBehind: true, sentinel: false), fault: fault),
            ClusterFailoverVariant(failover: FailoverVariant(name: "WAIT 1 \(waitTimeoutMs)ms, replica behind, \(name)", waitMs: waitTimeoutMs, replicaBehind: true,
                                                             sentinel: false), fault: fault),
            ClusterFailoverVariant(failover: FailoverVariant(name: "WAIT 1 \(waitTimeoutMs)ms, replica in sync, \(name)", waitMs: waitTimeoutMs, replicaBehind: false,
                                                             sentinel: false), fault: fault),
        ]
    }

    /// The failover trial on a 3x1 cluster: the first client locks on the primary serving the key's slot
    /// (its `WAIT` goes there too), the cluster promotes that primary's replica, and a second client
    /// asks the promoted replica. Judged as the failover scenario judges it.
    func clusterFailover(_ algorithm: LockAlgorithmKind, _ client: RedisClientKind, _ variant: ClusterFailoverVariant) async throws(ChaosEnvironmentError) -> SafetyRow {
        // A hash tag: the lock key and the keys derived from it (fencing counter) share one slot.
        let tag = "\(variant.fault == .killed ? "kill" : "force")\(variant.failover.waitMs == nil ? "" : ":wait")\(variant.failover.replicaBehind ? ":behind" : "")"
        return try await failoverRow(.clusterFailover, variant.failover, algorithm, client, ttlMs: Self.clusterFailoverSpecTTL, key: { trial in
            prefix + "{cluster-failover:\(client):\(algorithm):\(trial):\(tag)}"
        }) { key, trial throws(ChaosEnvironmentError) in
            try await withFleet("a 3x1 cluster", start: { options throws(FleetError) in
                try await RedisFleet.startCluster(primaries: 3, replicasPerPrimary: 1, options: options)
            }) { fleet throws(ChaosEnvironmentError) in
                guard let layout = fleet.clusterLayout, let primary = layout.owner(ofSlot: HashSlot.slot(of: key))?.index,
                      let replica = layout.replicas(of: primary).first?.index else {
                    throw ChaosEnvironmentError(.servers, "the 3x1 cluster has no primary with a replica for \(key)'s slot")
                }
                let fault = variant.fault
                try await trial(FailoverTarget(
                    holder: fleet.endpoints[primary], contender: fleet.endpoints[replica], cluster: true,
                    holdReplicationDown: { () async throws(ChaosEnvironmentError) in
                        try await Replication.fleetStep { () async throws(FleetError) in try await fleet.holdReplicaLinkDown(replica) }
                    },
                    failOver: { () async throws(ChaosEnvironmentError) in
                        try await Replication.fleetStep { () async throws(FleetError) in
                            switch fault {
                            case .killed: try await fleet.killPrimaryAndAwaitPromotion(primary)
                            case .forced: try await fleet.clusterFailover(replica: replica)
                            }
                        }
                    }))
            }
        }
    }

    static let migrationTTL = 500

    /// Contenders cycle on one lock of a 3-primary cluster while its slot moves to another primary in
    /// the steps a resharding takes: `IMPORTING`/`MIGRATING` (new keys go to the target through `ASK`),
    /// `MIGRATE` of the keys, `SETSLOT NODE` (`MOVED` from then on). Locks must keep being granted,
    /// with every redirect counted and no overlap.
    func slotMigration(_ algorithm: LockAlgorithmKind, _ client: RedisClientKind) async throws(ChaosEnvironmentError) -> SafetyRow {
        let spec = LockSpec(algorithm: algorithm, wait: .fixed(delay: 5), ttlMs: Self.migrationTTL)
        var tally = RowTally(.slotMigration, "the lock's slot moved under load (MIGRATING/IMPORTING, MIGRATE, SETSLOT NODE)", algorithm, client)
        return try await withFleet("a 3-primary cluster", start: { options throws(FleetError) in
            try await RedisFleet.startCluster(primaries: 3, options: options)
        }) { fleet throws(ChaosEnvironmentError) in
            let keyPrefix = prefix + "slot:\(client):\(algorithm):"
            let slot = HashSlot.slot(of: LoadRun.keyName(prefix: keyPrefix, key: 0))
            guard let layout = fleet.clusterLayout, let source = layout.owner(ofSlot: slot)?.index,
                  let target = layout.primaries.map(\.index).first(where: { $0 != source }) else {
                throw ChaosEnvironmentError(.servers, "the cluster has no owner for slot \(slot), or only one primary")
            }
            // One key, so every contender's lock lives in the moving slot.
            let scenario = Self.loadScenario(spec: spec, client: client, endpoints: [fleet.endpoints[target]], cluster: true, contenders: 4, keys: 1,
                                             holdMs: 2, acquireTimeoutMs: 1_000, commandTimeoutMs: 10_000)
            let started = LockClock.monotonicNanos()
            let load = try await startLoad(scenario, keyPrefix: keyPrefix)
            await pause(ms: 300)
            _ = await grant(in: load, after: started)
            let before = load.live.clusterCounters?.snapshot ?? ClusterRedirects()
            let faultAt = LockClock.monotonicNanos()
            var migrated = 0
            do throws(ChaosEnvironmentError) {
                try await Replication.fleetStep(.servers) { () async throws(FleetError) in try fleet.beginMigration(slot: slot, from: source, to: target) }
                // Held half-migrated for a while: keys made now are made on the target, through ASK.
                await pause(ms: 300)
                try await Replication.fleetStep(.servers) { () async throws(FleetError) in
                    migrated = try fleet.migrateKeys(slot: slot, from: source, to: target)
                }
                await pause(ms: 300)
                try await Replication.fleetStep(.servers) { () async throws(FleetError) in
                    migrated += try fleet.migrateKeys(slot: slot, from: source, to: target)
                    try await fleet.finishMigration(slot: slot, from: source, to: target)
                }
            } catch {
                _ = try? await load.finish()
                throw error
            }
            let movedAt = LockClock.monotonicNanos()
            await pause(ms: 600)
            _ = await grant(in: load, after: movedAt)
            let end = LockClock.monotonicNanos()
            let redirects = (load.live.clusterCounters?.snapshot ?? ClusterRedirects()) - before
            let outcome = try await load.finish()
            let after = outcome.events?.grants(from: movedAt &+ 1, to: .max).count ?? 0
            await pause(ms: Self.migrationTTL + 100)
            let left = await keysLeft(layout.primaries.map(\.endpoint), prefix: keyPrefix)

            tally.absorb(outcome, faultAt: faultAt, end: end)
            if !left.isEmpty { tally.problems.append("keys left: \(left.prefix(3).joined(separator: ", "))") }
            let confirmed = tally.overlaps == 0 && tally.doubleGrants == 0 && after > 0 && redirects.ask + redirects.moved > 0
                && redirects.crossSlot == 0 && left.isEmpty
            let verdict = "Slot \(slot) moved from node \(source) to node \(target) (\(migrated) keys migrated) while \(tally.acquisitions) locks were granted: \(redirects.ask) ASK, \(redirects.moved) MOVED, \(redirects.tryAgain) TRYAGAIN, \(redirects.clusterDown) CLUSTERDOWN followed, \(redirects.crossSlot) CROSSSLOT; \(after) grants after the move; longest time without a grant \(String(format: "%.0f", tally.meanUnavailabilityMs)) ms; \(tally.overlaps) overlaps, \(tally.doubleGrants) double grants; \(left.isEmpty ? "no key left" : "\(left.count) keys left")."
            return tally.row(predicted: "locks keep working; redirects counted; no double grant", confirmed: confirmed, verdict: verdict)
        }
    }
}
