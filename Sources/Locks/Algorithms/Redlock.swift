import RESP
import RedisConnection

/// `redlock`: `SET key token NX PX ttl` on N independent masters in parallel, granted on a quorum with
/// `validity = ttl − elapsed − drift > 0`; a failed attempt releases on every node, then waits as the
/// strategy says plus a random delay. Released and extended by script on every master.
struct RedlockAlgorithm: LockAlgorithm {
    var usesAcquisitionToken: Bool { false }

    func attempt(_ operation: AcquireOperation) { operation.redlockAttempt() }

    func release(_ grant: LockGrant, by locker: Locker, _ completion: LockCompletion<ReleaseReport>) {
        let operation = LockOperation()
        locker.redlockRelease(grant, operation: operation, completion: locker.context.releaseFinisher(operation, completion))
    }

    func extend(_ grant: LockGrant, byMs: Int, by locker: Locker, operation: LockOperation, _ finish: @escaping (ExtendOutcome) -> Void) {
        locker.redlockExtend(grant, byMs: byMs, operation: operation, completion: finish)
    }

    /// The published algorithm's random delay, uniform in `retryDelayMinMs...retryDelayMaxMs`, so
    /// contenders that failed together do not retry together.
    func retryDelayNanos(_ context: LockContext) -> UInt64 {
        let lo = UInt64(context.spec.redlock.retryDelayMinMs) * 1_000_000
        let hi = UInt64(context.spec.redlock.retryDelayMaxMs) * 1_000_000
        return lo + context.rng.uniform(upTo: hi - lo)
    }
}

extension AcquireOperation {
    /// One Redlock attempt: `SET key token NX PX ttl` on every master in parallel.
    func redlockAttempt() {
        // A fresh token per attempt: a failed attempt's releases may still be in flight (or re-sent as
        // EVAL after NOSCRIPT) when the next attempt's SETs go out; they must not match its keys.
        let attemptToken = context.newToken()
        token = attemptToken
        let round = RedlockRound(context: context)
        round.onDecide = { [self] round in redlockDecided(round, token: attemptToken) }
        round.start(send: { [self] node, handler in
            let command = SetCommand.arguments(key: context.redlockKey(key, node: node), value: attemptToken, .nx, .px(spec.ttlMs))
            context.send(context.connections[node], command, .acquire, self, handler)
        }, classify: { reply in
            switch reply {
            case .success(.simpleString("OK")): return .yes
            case .success(let value) where value.isNull: return .no
            default: return .failed
            }
        })
    }

    private func redlockDecided(_ round: RedlockRound, token attemptToken: String) {
        let redlock = spec.redlock
        let decisionElapsed = round.elapsedNanos
        let decisionValidity = redlock.validityMs(ttlMs: spec.ttlMs, elapsedNanos: decisionElapsed)
        let quorumReached = round.yes >= round.quorum
        if quorumReached && decisionValidity > 0 {
            let report = redlockReport(round, elapsed: decisionElapsed, timedOut: round.timedOutAtDecision, succeeded: true)
            guard !finished else { return }
            grant(validityMs: report.validityMs)
            return
        }
        // Release on every node at once, including those that have not answered: the release follows the
        // SET on the same connection, so it deletes the key if that SET is still to succeed.
        lastCleanup = RedlockRound.releaseAll(context: context, key: key, token: attemptToken, purpose: .acquire, operation: self)
        if quorumReached {
            // Overrun: decided by the quorum reply, like a success.
            _ = redlockReport(round, elapsed: decisionElapsed, timedOut: round.timedOutAtDecision, succeeded: false)
            attemptFailed()
            return
        }
        // No quorum: the report waits for every vote (or the per-node timeout), as the published
        // implementations do, so split votes are counted on complete tallies; elapsed is to that point.
        round.whenSettled { [self] in
            _ = redlockReport(round, elapsed: (round.settledAt ?? LockClock.monotonicNanos()) &- round.startedAt,
                              timedOut: round.timedOutAtSettle, succeeded: false)
            attemptFailed()
        }
    }

    private func redlockReport(_ round: RedlockRound, elapsed: UInt64, timedOut: Int, succeeded: Bool) -> RedlockAttemptReport {
        let validity = spec.redlock.validityMs(ttlMs: spec.ttlMs, elapsedNanos: elapsed)
        let quorumReached = round.yes >= round.quorum
        let report = RedlockAttemptReport(
            attempt: attempts, elapsedNanos: elapsed, validityMs: validity, nodes: round.nodes, quorum: round.quorum,
            granted: round.yes, denied: round.no, failed: round.failed, timedOut: timedOut,
            succeeded: succeeded, overrun: quorumReached && validity <= 0,
            splitVote: !quorumReached && round.yes >= 1 && round.no >= 1)
        if report.overrun { context.counters.redlockOverruns += 1 }
        if report.splitVote { context.counters.redlockSplitVotes += 1 }
        redlockReports.append(report)
        context.redlockObserver?(report)
        return report
    }
}

extension Locker {
    fileprivate func redlockRelease(_ grant: LockGrant, operation: LockOperation, completion: @escaping (ReleaseOutcome, Int) -> Void) {
        let round = RedlockRound.releaseAll(context: context, key: grant.key, token: grant.token, purpose: .release, operation: operation)
        let finish = { [round] in
            if round.yes >= 1 {
                completion(.released, round.yes)
            } else if round.failed == round.nodes, let failure = round.firstFailure {
                completion(.failed(failure), 0)
            } else {
                completion(.notOwner, 0)
            }
        }
        round.whenSettled(finish)
    }

    fileprivate func redlockExtend(_ grant: LockGrant, byMs: Int, operation: LockOperation, completion: @escaping (ExtendOutcome) -> Void) {
        let round = RedlockRound(context: context)
        let redlock = context.spec.redlock
        var done = false
        round.onDecide = { round in
            guard !done else { return }
            done = true
            let validity = redlock.validityMs(ttlMs: byMs, elapsedNanos: round.elapsedNanos)
            if round.yes >= round.quorum && validity > 0 {
                completion(.extended(validityMs: validity))
            } else if round.failed > round.nodes - round.quorum, let failure = round.firstFailure {
                completion(.failed(failure))
            } else {
                completion(.notOwner)
            }
        }
        round.start(send: { [context] node, handler in
            context.eval(context.connections[node], LockScripts.compareAndPexpire, keys: [context.redlockKey(grant.key, node: node)],
                         args: [.string(grant.token), .integer(Int64(byMs))], .extend, operation, handler)
        }, classify: { reply in
            switch reply {
            case .success(.integer(1)): return .yes
            case .success(.integer(0)): return .no
            default: return .failed
            }
        })
    }
}
