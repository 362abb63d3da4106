import BenchMetrics
import Locks
import RedisConnection

extension Lane {
    /// The safety witness: a grant while the driver knows another holder is inside is an overlap
    /// (mutual-exclusion violation); if that holder's own grant was still valid, and so was the
    /// entrant's, the lock service granted the key twice (a double grant), rather than a holder
    /// outliving its TTL.
    func witnessEnter(_ i: Int, grant: LockGrant, now: UInt64, counts: Bool) {
        let validUntil = grant.validUntilNanos(algorithm: scenario.lock.algorithm)
        // Mutated in place: copying the state out would copy its arrays on every grant. The witness
        // knows holders by global index: with drawn keys, holders of one key come from several lanes.
        let holder = contenders[i].index
        let entered = withKey(contenders[i].key) { $0.enter(holder, validUntil: validUntil, now: now) }
        if entered.inside > 0 { recorder.recordMutexOverlap(entered.inside) }
        if entered.stillValid > 0, grant.canDoubleGrant(algorithm: scenario.lock.algorithm, now: now) {
            recorder.recordDoubleGrant(entered.stillValid)
            failovers?.doubleGranted(entered.stillValid)
        }
        if counts, let handoff = entered.handoffNanos { recorder.recordHandoff(nanos: handoff) }
        if grants != nil, now >= windowStart, now <= windowEnd { grants?.entered(i, grant: grant, validUntilNanos: validUntil) }
    }

    /// Leaves the witness and, for fenced locks, writes to the fenced resource with the grant's token
    /// (at the end of the hold, which is when a paused holder would write stale data).
    func witnessExit(_ i: Int, grant: LockGrant, now: UInt64) {
        let holder = contenders[i].index
        let token = grant.fencingToken
        if withKey(contenders[i].key, { $0.exit(holder, fence: token, now: now) }) {
            recorder.recordStaleWriteRejected()
        }
        grants?.exited(i, now: now)
    }

    func observeRedlock(_ report: RedlockAttemptReport) {
        let now = LockClock.monotonicNanos()
        guard now >= windowStart, now <= windowEnd else { return }
        recorder.recordRedlockAttempt(
            elapsedNanos: report.elapsedNanos, ttlMs: scenario.lock.ttlMs, validityMs: report.validityMs,
            answered: report.answered, quorumReached: report.granted >= report.quorum,
            overrun: report.overrun, splitVote: report.splitVote)
    }

    /// A failed command whose connection is gone means the server died or went away: for a single
    /// server that ends the run; for Redlock only when fewer than a quorum of masters remain.
    func checkFatal(after failure: LockFailure, context: LockContext) {
        failoverSaw(failure, context: context)
        guard !fatalReported, faults == nil, failure.redisError != nil else { return }
        let down = context.connections.filter { !$0.isOpen }
        guard !down.isEmpty else { return }
        if scenario.lock.algorithm == .redlock {
            let up = context.connections.count - down.count
            guard up < scenario.lock.redlock.quorum else { return }
        }
        fatalReported = true
        let detail = failure.redisError.map { $0.description } ?? failure.description
        onFatal?("lost connection to \(down.map { $0.endpoint.description }.joined(separator: ", ")): \(detail)")
    }

    /// Counts for the live progress line.
    struct Snapshot: Sendable {
        var acquisitions: Int
        var errors: Int
        var p99Us: Double?
    }

    func snapshot() -> Snapshot {
        let histogram = recorder.latency(.acquire)
        let p99 = histogram.count > 0 ? Double(histogram.value(atPercentile: 99)) / 1_000 : nil
        return Snapshot(acquisitions: recorder.grantsTotal ?? 0, errors: errorsSoFar, p99Us: p99)
    }
}

extension Lane {
    /// Servers whose command connection on this lane has failed (read on `queue`).
    func deadEndpoints() -> Set<String> {
        var dead = Set<String>()
        for context in contexts {
            for connection in context.connections where !connection.isOpen {
                dead.insert(connection.endpoint.description)
            }
        }
        return dead
    }
}

extension Lane {
    /// Commands this lane's lock contexts have sent so far (read on `queue`).
    func commandsSent() -> Int {
        contexts.reduce(0) { $0 + $1.counters.commands } + retiredCommands()
    }
}
