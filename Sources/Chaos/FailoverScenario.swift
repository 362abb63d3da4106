import Foundation
import Locks
import RedisConnection
import RedisFleet
import Reports

/// Scenario 2: failover with asynchronous replication. A client takes the lock on the primary; the
/// primary dies before the lock reached the replica; the replica is promoted (`REPLICAOF NO ONE`, or by
/// Sentinel); a second client asks the promoted replica for the same lock.
extension ChaosRun {
    struct FailoverVariant: Sendable {
        var name: String
        /// `WAIT 1 <ms>` after acquiring; a holder that sees 0 replicas gives the lock back.
        var waitMs: Int?
        /// Replication held down while the lock is taken (the write certainly does not reach the replica).
        var replicaBehind: Bool
        var sentinel: Bool
    }

    /// Where one failover trial runs and how its fault is made: the same trial serves a primary with a
    /// replica (promoted by hand or by Sentinel) and a cluster shard (promoted by the cluster).
    struct FailoverTarget: Sendable {
        /// The primary the first client locks on.
        var holder: Endpoint
        /// The replica, once promoted, where the second client asks.
        var contender: Endpoint
        /// Lock contexts route through `ClusterConnector` (the endpoints are cluster nodes).
        var cluster = false
        /// Keeps the replica from getting the first client's write.
        var holdReplicationDown: @Sendable () async throws(ChaosEnvironmentError) -> Void
        /// Takes the primary out and returns once the replica serves as the primary.
        var failOver: @Sendable () async throws(ChaosEnvironmentError) -> Void
    }

    /// The first holder's lease outlives the whole trial (Sentinel included), so a second grant is a
    /// double grant, not a lease that ran out.
    static let failoverSpecTTL = 5_000
    /// A cluster shard's failover after kill -9 waits for `cluster-node-timeout`, the failure report
    /// and an election: on a loaded machine that took 4 s, past a 5 s lease granted a second earlier.
    static let clusterFailoverSpecTTL = 15_000
    /// How long the second client tries on the promoted replica.
    static let failoverWindowMs = 500
    /// `WAIT`'s timeout: long enough that a replica in sync acknowledges within it even on a busy
    /// machine (its ack normally takes well under a millisecond on loopback).
    static let waitTimeoutMs = 300
    static let sentinelMasterName = "lockbench-chaos"

    func failoverVariants() -> [FailoverVariant] {
        var variants = [FailoverVariant(name: "async, replica behind, REPLICAOF NO ONE", waitMs: nil, replicaBehind: true, sentinel: false)]
        if plan.sentinel {
            if RedisFleet.sentinelAvailable {
                variants.append(FailoverVariant(name: "async, replica behind, Sentinel", waitMs: nil, replicaBehind: true, sentinel: true))
            } else {
                note("failover: redis-sentinel is not on PATH, so the Sentinel variant was skipped (Debian/Ubuntu: apt-get install redis-sentinel).")
            }
        }
        variants.append(FailoverVariant(name: "WAIT 1 \(Self.waitTimeoutMs)ms, replica behind", waitMs: Self.waitTimeoutMs, replicaBehind: true, sentinel: false))
        variants.append(FailoverVariant(name: "WAIT 1 \(Self.waitTimeoutMs)ms, replica in sync", waitMs: Self.waitTimeoutMs, replicaBehind: false, sentinel: false))
        return variants
    }

    func failover(_ algorithm: LockAlgorithmKind, _ client: RedisClientKind, _ variant: FailoverVariant) async throws(ChaosEnvironmentError) -> SafetyRow {
        try await failoverRow(.failover, variant, algorithm, client, key: { trial in
            prefix + "failover:\(client):\(algorithm):\(trial):\(variant.name.filter { $0.isLetter })"
        }) { _, trial throws(ChaosEnvironmentError) in
            try await withFleet("a primary and its replica", start: { options throws(FleetError) in
                try await RedisFleet.startReplicated(replicas: 1, options: options)
            }) { fleet throws(ChaosEnvironmentError) in
                let (primary, replica) = (fleet.endpoints[0], fleet.endpoints[1])
                func target(promote: @escaping @Sendable () async throws(ChaosEnvironmentError) -> Void) -> FailoverTarget {
                    FailoverTarget(
                        holder: primary, contender: replica,
                        holdReplicationDown: { () async throws(ChaosEnvironmentError) in
                            try await Replication.fleetStep { () async throws(FleetError) in try await fleet.holdReplicationDown() }
                        },
                        failOver: { () async throws(ChaosEnvironmentError) in
                            fleet.kill(0)
                            try await promote()
                        })
                }
                if variant.sentinel {
                    let watch = SentinelWatch(masterName: Self.sentinelMasterName, primary: primary)
                    try await withFleet("a Sentinel", start: { options throws(FleetError) in
                        try await RedisFleet.startSentinels(count: 1, watching: watch, options: options)
                    }) { sentinels throws(ChaosEnvironmentError) in
                        try await Replication.fleetStep { () async throws(FleetError) in
                            try await sentinels.waitUntilSentinelsKnow(replica: replica, of: watch.masterName)
                        }
                        try await trial(target { () async throws(ChaosEnvironmentError) in
                            try await Replication.fleetStep { () async throws(FleetError) in
                                try await sentinels.waitUntilSentinelsPromote(replica, of: watch.masterName)
                            }
                        })
                    }
                } else {
                    try await trial(target { () async throws(ChaosEnvironmentError) in
                        try await Replication.fleetStep { () async throws(FleetError) in try fleet.promote(1) }
                    })
                }
            }
        }
    }

    /// One row of a failover scenario: `plan.trials` trials, each on the servers `servers` starts for
    /// the trial's key, which hand `trial` the target to run on; judged by `judgeFailover`.
    func failoverRow(
        _ scenario: ChaosScenario, _ variant: FailoverVariant, _ algorithm: LockAlgorithmKind, _ client: RedisClientKind,
        ttlMs: Int = failoverSpecTTL, key: (Int) -> String,
        servers: (_ key: String, _ trial: (FailoverTarget) async throws(ChaosEnvironmentError) -> Void) async throws(ChaosEnvironmentError) -> Void
    ) async throws(ChaosEnvironmentError) -> SafetyRow {
        let spec = LockSpec(algorithm: algorithm, wait: .fixed(delay: 10), ttlMs: ttlMs)
        var tally = RowTally(scenario, variant.name, algorithm, client)
        var holderRefusals = 0
        var contenderRefusals = 0
        let witness = MutexWitness()
        for index in 0..<plan.trials where !interrupted {
            tally.trials += 1
            let key = key(index)
            try await servers(key) { target throws(ChaosEnvironmentError) in
                try await failoverTrial(spec, client, variant, target: target, key: key, witness: witness, tally: &tally,
                                        holderRefusals: &holderRefusals, contenderRefusals: &contenderRefusals)
            }
        }
        tally.absorb(witness)
        return Self.judgeFailover(tally, variant, holderRefusals: holderRefusals, contenderRefusals: contenderRefusals)
    }

    func failoverTrial(
        _ spec: LockSpec, _ client: RedisClientKind, _ variant: FailoverVariant, target: FailoverTarget, key: String,
        witness: MutexWitness, tally: inout RowTally, holderRefusals: inout Int, contenderRefusals: inout Int
    ) async throws(ChaosEnvironmentError) {
        let holderContext = try await LockSessions.open(spec: spec, client: client, endpoints: [target.holder], label: "failover-holder", seed: 31,
                                                        cluster: target.cluster)
        do throws(ChaosEnvironmentError) {
            try await failoverSteps(spec, client, variant, target: target, holderContext: holderContext, key: key, witness: witness, tally: &tally,
                                    holderRefusals: &holderRefusals, contenderRefusals: &contenderRefusals)
        } catch {
            await LockSessions.close(holderContext)
            throw error
        }
        await LockSessions.close(holderContext)
    }

    private func failoverSteps(
        _ spec: LockSpec, _ client: RedisClientKind, _ variant: FailoverVariant, target: FailoverTarget, holderContext: LockContext,
        key: String, witness: MutexWitness, tally: inout RowTally, holderRefusals: inout Int, contenderRefusals: inout Int
    ) async throws(ChaosEnvironmentError) {
        let replica = target.contender
        if variant.replicaBehind {
            try await target.holdReplicationDown()
        }
        let holder = await LockSessions.locker(holderContext)
        guard let first = await holder.acquire(key: key, timeoutMs: 2_000).grant else {
            tally.failedAcquisitions += 1
            tally.problems.append("the first client was not granted on the primary")
            return
        }
        var holding = true
        if let waitMs = variant.waitMs {
            let acknowledged = await Replication.waitForReplica(holderContext.connections[0], timeoutMs: waitMs)
            if case .failure(let failure) = acknowledged { tally.problems.append("\(failure)") }
            if (try? acknowledged.get()) ?? 0 < 1 {
                // Not on any replica: this holder treats the lock as not acquired and gives it back.
                holding = false
                holderRefusals += 1
                tally.failedAcquisitions += 1
                _ = await holder.release(first)
            }
        }
        if holding {
            tally.acquisitions += 1
            witness.enter(key: key, holderID: HolderID.first, validUntilNanos: first.validUntilNanos(algorithm: spec.algorithm))
            await firstWrite(&tally, key: key + ":resource", fence: first.fencingToken, value: "first-1")
        }

        let killedAt = LockClock.monotonicNanos()
        try await target.failOver()
        let contenderContext = try await LockSessions.open(spec: spec, client: client, endpoints: [replica], label: "failover-contender", seed: 32,
                                                           cluster: target.cluster)
        let contender = await LockSessions.locker(contenderContext)
        let outcome = await contender.acquire(key: key, timeoutMs: Self.failoverWindowMs)
        if let second = outcome.grant {
            await recordSecondHolder(&tally, witness: witness, key: key, grant: second, algorithm: spec.algorithm, faultAt: killedAt)
            if holding {
                // The first holder, whose lease is still valid, writes again.
                tally.staleWrite(await resource.write(key: key + ":resource", fence: first.fencingToken, value: "first-2"))
            }
            witness.exit(key: key, holderID: HolderID.contender)
            _ = await contender.release(second)
        } else {
            contenderRefusals += 1
            tally.failedAcquisitions += 1
            // Nobody can take the lock until the replicated key expires (its holder's release went to the dead primary).
            tally.unavailability.append(Double(Self.failoverWindowMs) + Replication.remainingTTL(key, at: replica))
        }
        if holding { witness.exit(key: key, holderID: HolderID.first) }
        await LockSessions.close(contenderContext)
    }

    static func judgeFailover(_ tally: RowTally, _ variant: FailoverVariant, holderRefusals: Int, contenderRefusals: Int) -> SafetyRow {
        let n = tally.trials
        let down = String(format: "%.0f", tally.meanUnavailabilityMs)
        guard let waitMs = variant.waitMs else {
            var verdict = "Failover lost the lock: the promoted replica granted it to a second client in \(ofTrials(tally.doubleGrants, n)) trials while the first client's lease was valid (the lock write never reached the replica); lock back after \(down) ms."
            var confirmed = tally.doubleGrants == n
            if tally.algorithm == .fenced {
                verdict += " Fencing did not help: the token counter was lost too, the new holder got the same token, and the first holder's later write was accepted in \(ofTrials(tally.staleWritesAccepted, n))."
                confirmed = confirmed && tally.staleWritesAccepted == n
            }
            return tally.row(predicted: "double grant", confirmed: confirmed, verdict: verdict)
        }
        if variant.replicaBehind {
            let confirmed = tally.doubleGrants == 0 && tally.overlaps == 0 && holderRefusals == n
            return tally.row(predicted: "no double grant; first client refused", confirmed: confirmed,
                             verdict: "WAIT 1 \(waitMs) saw no replica, so the first client gave the lock back in \(ofTrials(holderRefusals, n)) trials: no double grant (\(tally.doubleGrants)), at the cost of a failed acquisition while the replica lagged.")
        }
        let confirmed = tally.doubleGrants == 0 && tally.overlaps == 0 && contenderRefusals == n
        let timedOut = holderRefusals > 0 ? " (WAIT timed out in \(ofTrials(holderRefusals, n)) trials: the replica did not acknowledge in time, so the first client gave the lock back.)" : ""
        return tally.row(predicted: "no double grant; lock unavailable until TTL", confirmed: confirmed,
                         verdict: "WAIT 1 \(waitMs) confirmed the replica had the lock, so the promoted replica refused the second client in \(ofTrials(contenderRefusals, n)) trials: \(tally.doubleGrants) double grants; the lock stayed unavailable for about \(down) ms, until the replicated key expired.\(timedOut)")
    }
}
