import Locks
import RedisConnection
import Reports

/// Scenario 5: client clock skew. A holder with a true clock takes the lock and holds it for 200 ms of
/// its 3 s TTL; a second client whose clock runs ahead by the row's skew keeps trying meanwhile.
/// `legacy-getset` judges expiry by the client's clock, so a skew beyond TTL − hold (2.8 s) makes the
/// live lock look expired and it is taken over: a double grant. `setnx-px` lets the server's TTL decide,
/// so it is the control row: no skew matters.
extension ChaosRun {
    /// Long enough that, on a loaded machine, both holders still release before their own expiry
    /// (a late legacy release deletes nothing, which would leave the key and hide the wrong-owner delete).
    static let skewTTL = 3_000
    static let skewHoldMs = 200
    /// Offsets of the second client's clock, ms: two below the threshold, two above.
    static let skewsMs: [Int64] = [0, 400, 4_000, 8_000]

    func clockSkew(_ algorithm: LockAlgorithmKind, _ client: RedisClientKind, skewMs: Int64) async throws(ChaosEnvironmentError) -> SafetyRow {
        let spec = LockSpec(algorithm: algorithm, wait: .fixed(delay: 10), ttlMs: Self.skewTTL)
        return try await withFleet(count: 1) { fleet throws(ChaosEnvironmentError) in
            let tally = try await pairedTrials(
                fleet, spec: spec, client: client, labels: ("skew-holder", "skew-contender"), seeds: (51, 52), secondClockOffsetMs: skewMs,
                keyPrefix: prefix + "skew:\(client):\(algorithm):\(skewMs):", tally: RowTally(.clockSkew, "client clock +\(skewMs) ms", algorithm, client)
            ) { trial, tally in
                let (key, holder, skewed, witness) = (trial.key, trial.first, trial.second, trial.witness)
                guard let first = await firstHolder(holder, key: key, timeoutMs: 2_000, algorithm: algorithm, holderID: HolderID.holder,
                                                    witness: witness, tally: &tally, problem: "the holder was not granted") else { return }
                let holdEnd = first.grantedAtNanos + UInt64(Self.skewHoldMs) * 1_000_000
                let outcome = await skewed.acquire(key: key, deadlineNanos: holdEnd)
                if let second = outcome.grant {
                    tally.acquisitions += 1
                    witness.enter(key: key, holderID: HolderID.skewed, validUntilNanos: second.validUntilNanos(algorithm: algorithm),
                                 now: second.grantedAtNanos)
                } else {
                    tally.failedAcquisitions += 1
                }
                let now = LockClock.monotonicNanos()
                if now < holdEnd { try? await Task.sleep(nanoseconds: holdEnd - now) }
                witness.exit(key: key, holderID: HolderID.holder)
                let released = await holder.release(first)
                if let second = outcome.grant {
                    // The holder's DEL (its own expiry had not passed, by its clock) removed the lock the
                    // skewed client took over: a wrong-owner delete, the design's second flaw.
                    if released.outcome == .released { tally.wrongOwnerDeletes += 1 }
                    witness.exit(key: key, holderID: HolderID.skewed)
                    _ = await skewed.release(second)
                }
            }
            return Self.judgeSkew(tally, skewMs: skewMs)
        }
    }

    static func judgeSkew(_ tally: RowTally, skewMs: Int64) -> SafetyRow {
        let n = tally.trials
        let threshold = Int64(skewTTL - skewHoldMs)
        guard tally.algorithm == .legacyGetset else {
            return tally.row(predicted: "no double grant", confirmed: tally.doubleGrants == 0 && tally.overlaps == 0,
                             verdict: "The server's TTL decides expiry, so a client clock \(skewMs) ms ahead changed nothing: \(tally.doubleGrants) double grants in \(n) trials.")
        }
        if skewMs > threshold {
            return tally.row(predicted: "double grant", confirmed: tally.doubleGrants == n,
                             verdict: "A clock \(skewMs) ms ahead saw the live lock as expired and took it over with GETSET: double grant in \(ofTrials(tally.doubleGrants, n)) trials; the first holder's DEL then removed the new holder's lock in \(ofTrials(tally.wrongOwnerDeletes, n)).")
        }
        return tally.row(predicted: "no double grant", confirmed: tally.doubleGrants == 0 && tally.overlaps == 0,
                         verdict: "A clock \(skewMs) ms ahead stays under TTL − hold (\(threshold) ms): the lock never looked expired while held, \(tally.doubleGrants) double grants in \(n) trials.")
    }
}
