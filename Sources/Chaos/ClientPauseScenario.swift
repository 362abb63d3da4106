import Dispatch
import Locks
import RedisConnection
import Reports

/// Scenario 1: a holder is frozen (a stop-the-world GC pause) for longer than its TTL; a contender takes
/// the lock; the holder wakes, still believing it holds the lock, and writes.
///
/// The pause is placed by the scenario, right after the holder's first write, and lasts exactly until
/// the contender has been granted: no sleep has to guess how long "past the TTL" is.
extension ChaosRun {
    /// A short TTL, so each trial waits a fraction of a second for the lock to expire.
    static func pauseSpec(_ algorithm: LockAlgorithmKind) -> LockSpec {
        LockSpec(algorithm: algorithm, wait: .fixed(delay: 5), ttlMs: 300,
                 redlock: RedlockSpec(retryDelayMinMs: 0, retryDelayMaxMs: 5, perNodeTimeoutMs: 100))
    }

    /// The in-process variant: the holder's serial queue (its connections, timers and code) is suspended.
    func clientPauseInProcess(_ algorithm: LockAlgorithmKind, _ client: RedisClientKind) async throws(ChaosEnvironmentError) -> SafetyRow {
        let spec = Self.pauseSpec(algorithm)
        return try await withFleet(count: spec.commandConnections) { fleet throws(ChaosEnvironmentError) in
            let tally = try await pairedTrials(
                fleet, spec: spec, client: client, labels: ("pause-holder", "pause-contender"), seeds: (11, 12),
                keyPrefix: prefix + "pause:\(client):\(algorithm):", tally: RowTally(.clientPause, "in-process", algorithm, client)
            ) { trial, tally in
                let (key, holder, contender, witness, holderContext) = (trial.key, trial.first, trial.second, trial.witness, trial.firstContext)
                guard let first = await firstHolder(holder, key: key, timeoutMs: 2_000, algorithm: algorithm, holderID: HolderID.holder,
                                                    witness: witness, tally: &tally, problem: "the holder was not granted") else { return }
                await firstWrite(&tally, key: key + ":resource", fence: first.fencingToken, value: "holder-1")

                guard let (second, pausedAt) = await grantWhileFrozen(
                    holderContext, holder: holder, first: first, contender: contender, key: key, timeoutMs: spec.ttlMs * 4 + 2_000,
                    witness: witness, tally: &tally) else { return }
                await recordSecondHolder(&tally, witness: witness, key: key, grant: second, algorithm: algorithm, faultAt: pausedAt)
                tally.staleWrite(await resource.write(key: key + ":resource", fence: first.fencingToken, value: "holder-2"))
                witness.exit(key: key, holderID: HolderID.holder)
                _ = await holder.release(first)
                witness.exit(key: key, holderID: HolderID.contender)
                _ = await contender.release(second)
            }
            return Self.judgePause(tally)
        }
    }

    /// Freezes the holder's queue (its connections, timers and code, a lease keep-alive or session pings
    /// included) until the contender is granted or `timeoutMs` passes, then lets it run again. Returns the
    /// contender's grant, taken while the holder was still frozen, and when the freeze began; `nil` after
    /// counting the failure and releasing the holder.
    func grantWhileFrozen(
        _ holderContext: LockContext, holder: Locker, first: LockGrant, contender: Locker, key: String, timeoutMs: Int,
        witness: MutexWitness, tally: inout RowTally
    ) async -> (LockGrant, UInt64)? {
        let pausedAt = LockClock.monotonicNanos()
        holderContext.queue.suspend()
        let outcome = await contender.acquire(key: key, timeoutMs: timeoutMs)
        holderContext.queue.resume()
        // The holder's queue runs again: whatever it was doing when frozen continues now.
        await holderContext.onQueue {}
        guard let second = outcome.grant else {
            tally.failedAcquisitions += 1
            tally.problems.append("the contender was not granted after the pause")
            witness.exit(key: key, holderID: HolderID.holder)
            _ = await holder.release(first)
            return nil
        }
        return (second, pausedAt)
    }

    /// The trial's first grant, counted and entered into the witness; a refusal is counted as a failed
    /// acquisition and `problem`, since the scripted fault cannot be staged without a holder.
    func firstHolder(
        _ holder: Locker, key: String, timeoutMs: Int, algorithm: LockAlgorithmKind, holderID: UInt64,
        witness: MutexWitness, tally: inout RowTally, problem: String
    ) async -> LockGrant? {
        guard let grant = await holder.acquire(key: key, timeoutMs: timeoutMs).grant else {
            tally.failedAcquisitions += 1
            tally.problems.append(problem)
            return nil
        }
        tally.acquisitions += 1
        witness.enter(key: key, holderID: holderID, validUntilNanos: grant.validUntilNanos(algorithm: algorithm))
        return grant
    }

    /// The holder's first write, before anything goes wrong: must be accepted.
    func firstWrite(_ tally: inout RowTally, key: String, fence: Int64?, value: String) async {
        if case .success(true) = await resource.write(key: key, fence: fence, value: value) { return }
        tally.problems.append("the first holder's write was not accepted")
    }

    /// The contender got the lock: into the witness, and its write to the resource.
    func recordSecondHolder(
        _ tally: inout RowTally, witness: MutexWitness, key: String, grant: LockGrant, algorithm: LockAlgorithmKind, faultAt: UInt64,
        fenced: Bool = true
    ) async {
        tally.acquisitions += 1
        tally.unavailability.append(millis(from: faultAt, to: grant.grantedAtNanos))
        witness.enter(key: key, holderID: HolderID.contender, validUntilNanos: grant.validUntilNanos(algorithm: algorithm),
                     now: grant.grantedAtNanos)
        if case .success(true) = await resource.write(key: key + ":resource", fence: fenced ? grant.fencingToken : nil, value: "contender-1") { return }
        tally.problems.append("the contender's write was not accepted")
    }

    /// Any lease-based lock lets the woken holder overlap; only a fencing token stops its write.
    /// `fenced`: the resource checked the grant's token (`fenced` on Redis; a store's revision or czxid).
    static func judgePause(_ tally: RowTally, fenced: Bool? = nil, detail: String = "") -> SafetyRow {
        let n = tally.trials
        let overlapped = "The paused holder woke still believing it held the lock: 2 holders at once in \(ofTrials(tally.overlaps, n))"
        let noDouble = (tally.doubleGrants == 0 ? " The lock itself was granted only after the lease ran out (0 double grants)." : " Double grants: \(tally.doubleGrants).") + detail
        if fenced ?? (tally.algorithm == .fenced) {
            let confirmed = tally.overlaps == n && tally.staleWritesRejected == n && tally.staleWritesAccepted == 0 && tally.doubleGrants == 0
            return tally.row(predicted: "overlap; stale write rejected", confirmed: confirmed,
                             verdict: "\(overlapped), but its fencing token was older than the new holder's and the resource refused \(ofTrials(tally.staleWritesRejected, n)) stale writes.\(noDouble)")
        }
        let confirmed = tally.overlaps == n && tally.staleWritesAccepted == n && tally.doubleGrants == 0
        return tally.row(predicted: "overlap; stale write accepted", confirmed: confirmed,
                         verdict: "\(overlapped), and with no token to check the resource accepted its stale write in \(ofTrials(tally.staleWritesAccepted, n)).\(noDouble)")
    }
}
