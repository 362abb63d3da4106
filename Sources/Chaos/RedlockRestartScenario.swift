import Locks
import RedisConnection
import RedisFleet
import Reports

/// Scenario 3: a Redlock node restarts without persistence. The first client wins with a bare quorum
/// (nodes 0, 1, 2; nodes 3 and 4 are down at that moment and come back empty); then node 2 crashes and
/// restarts empty. Within the TTL, a second client finds 2, 3 and 4 free: a quorum, a double grant.
/// With the restart delayed past the TTL (the remedy proposed for Redlock), it cannot.
extension ChaosRun {
    static let restartSpec = LockSpec(
        // Long enough that a restart on a loaded machine still lands inside the first lease: with 6 s,
        // restarting three nodes under a full test suite took long enough that the second grant came
        // after the first lease had ended.
        algorithm: .redlock, wait: .fixed(delay: 5), ttlMs: 12_000,
        redlock: RedlockSpec(retryDelayMinMs: 0, retryDelayMaxMs: 5, perNodeTimeoutMs: 100))

    func redlockRestart(_ client: RedisClientKind, delayed: Bool) async throws(ChaosEnvironmentError) -> SafetyRow {
        var tally = RowTally(.redlockRestart, delayed ? "restart delayed past TTL" : "restart within TTL", .redlock, client)
        let witness = MutexWitness()
        for trial in 0..<plan.trials where !interrupted {
            tally.trials += 1
            let key = prefix + "restart:\(client):\(delayed):\(trial)"
            try await withFleet(count: 5) { fleet throws(ChaosEnvironmentError) in
                let holderContext = try await LockSessions.open(spec: Self.restartSpec, client: client, endpoints: fleet.endpoints,
                                                                label: "restart-holder", seed: 41)
                do throws(ChaosEnvironmentError) {
                    try await restartTrial(fleet, holderContext, client: client, key: key, delayed: delayed, witness: witness, tally: &tally)
                } catch {
                    await LockSessions.close(holderContext)
                    throw error
                }
                await LockSessions.close(holderContext)
            }
        }
        tally.absorb(witness)
        let n = tally.trials
        if delayed {
            let confirmed = tally.doubleGrants == 0 && tally.overlaps == 0 && tally.acquisitions == 2 * n
            return tally.row(predicted: "no double grant", confirmed: confirmed,
                             verdict: "With node 2 kept down until the TTL had passed, the second client could not reach a quorum while the first held the lock: \(tally.doubleGrants) double grants in \(n) trials; it got the lock after \(String(format: "%.0f", tally.meanUnavailabilityMs)) ms, once the first lease was over.")
        }
        return tally.row(predicted: "double grant", confirmed: tally.doubleGrants == n,
                         verdict: "Node 2 forgot the lock when it restarted empty, so nodes 2, 3 and 4 made a second quorum: double grant in \(ofTrials(tally.doubleGrants, n)) trials, \(String(format: "%.0f", tally.meanUnavailabilityMs)) ms after the crash, well inside the first client's validity.")
    }

    private func restartTrial(
        _ fleet: RedisFleet, _ holderContext: LockContext, client: RedisClientKind, key: String, delayed: Bool,
        witness: MutexWitness, tally: inout RowTally
    ) async throws(ChaosEnvironmentError) {
        let spec = Self.restartSpec
        fleet.kill(3)
        fleet.kill(4)
        let holder = await LockSessions.locker(holderContext)
        guard let first = await firstHolder(holder, key: key, timeoutMs: 3_000, algorithm: .redlock, holderID: HolderID.first, witness: witness,
                                            tally: &tally, problem: "the first client was not granted with 3 of 5 nodes up") else { return }
        let validUntil = first.validUntilNanos(algorithm: .redlock)
        // Both at once: the second client must win before the first lease ends, so keep setup short.
        try await restart(fleet, [3, 4])

        let faultAt = LockClock.monotonicNanos()
        if delayed { fleet.kill(2) } else { try await restart(fleet, 2) }
        var node2Down = delayed
        let restartAfter = first.startedAtNanos + UInt64(spec.ttlMs + 100) * 1_000_000
        let deadline = (delayed ? restartAfter : faultAt) + 1_500_000_000
        var oneAttempt = spec
        oneAttempt.maxAttempts = 1
        var second: (grant: LockGrant, locker: Locker, context: LockContext)?
        // The second client reconnects for every attempt, as a client that notices restarts would.
        while second == nil, LockClock.monotonicNanos() < deadline, !interrupted {
            if node2Down && LockClock.monotonicNanos() >= restartAfter {
                try await restart(fleet, 2)
                node2Down = false
            }
            let context = await LockSessions.openTolerant(spec: oneAttempt, client: client, endpoints: fleet.endpoints, label: "restart-contender",
                                                          seed: 42, options: ConnectionOptions(connectTimeoutMs: 300))
            let locker = await LockSessions.locker(context)
            if let grant = await locker.acquire(key: key, timeoutMs: 1_000).grant {
                second = (grant, locker, context)
            } else {
                await LockSessions.close(context)
                await pause(ms: 20)
            }
        }
        var firstInside = true
        if let second {
            tally.acquisitions += 1
            tally.unavailability.append(millis(from: faultAt, to: second.grant.grantedAtNanos))
            // A well-behaved holder stops using the lock when its validity ends.
            if second.grant.grantedAtNanos >= validUntil {
                witness.exit(key: key, holderID: HolderID.first)
                firstInside = false
            }
            witness.enter(key: key, holderID: HolderID.second, validUntilNanos: second.grant.validUntilNanos(algorithm: .redlock),
                         now: second.grant.grantedAtNanos)
            witness.exit(key: key, holderID: HolderID.second)
            _ = await second.locker.release(second.grant)
            await LockSessions.close(second.context)
        } else {
            tally.failedAcquisitions += 1
            if delayed { tally.problems.append("the second client was never granted, even after the TTL") }
        }
        if firstInside { witness.exit(key: key, holderID: HolderID.first) }
        _ = await holder.release(first)
        await checkNoKeys(fleet.endpoints, prefix: key, tally: &tally)
    }
}
