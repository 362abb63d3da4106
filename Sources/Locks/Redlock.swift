import RESP
import RedisConnection

/// One fan-out of a command to every Redlock master, counting votes.
///
/// Decided as soon as the outcome is known: quorum of yes, or too many no/failed for a quorum, or the
/// per-node timeout (unanswered nodes then count as timed out). Settled when every node answered or the
/// timeout passed. Commands for node i always go on connection i, so a later command (a release) is
/// processed by that master after this one (a SET still in flight): it cannot overtake it.
final class RedlockRound: @unchecked Sendable {
    // @unchecked: confined to the context's queue.

    enum Vote { case yes, no, failed }

    let context: LockContext
    let nodes: Int
    let quorum: Int
    let startedAt: UInt64
    var answeredNode: [Bool]
    var yes = 0, no = 0, failed = 0
    var decidedAt: UInt64?
    var timedOutAtDecision = 0
    var settledAt: UInt64?
    var timedOutAtSettle = 0
    var settled = false
    var sending = false
    var timer: TimerHandle?
    var firstFailure: LockFailure?
    var onDecide: ((RedlockRound) -> Void)?
    var onSettled: (() -> Void)?

    var answered: Int { yes + no + failed }

    init(context: LockContext) {
        self.context = context
        self.nodes = context.connections.count
        self.quorum = nodes / 2 + 1
        self.startedAt = LockClock.monotonicNanos()
        self.answeredNode = Array(repeating: false, count: nodes)
    }

    /// Sends to every node; `classify` turns a reply into a vote.
    func start(
        send: (Int, @escaping (RedisReply) -> Void) -> Void,
        classify: @escaping (RedisReply) -> Vote
    ) {
        // Decisions wait until every command is sent: a client that completes a send synchronously
        // (a dead connection) must not make us send a release to a node before its SET.
        sending = true
        for node in 0..<nodes {
            send(node) { [self] reply in answer(node, classify(reply), reply) }
        }
        sending = false
        timer = context.wheel.schedule(afterNanos: UInt64(context.spec.redlock.perNodeTimeoutMs) * 1_000_000) { [self] in
            timer = nil
            timedOutAtSettle = nodes - answered
            context.counters.redlockNodeTimeouts += timedOutAtSettle
            if decidedAt == nil { decide(timedOut: timedOutAtSettle) }
            settle()
        }
        evaluate()
    }

    private func answer(_ node: Int, _ vote: Vote, _ reply: RedisReply) {
        guard !answeredNode[node], !settled else { return }
        answeredNode[node] = true
        switch vote {
        case .yes: yes += 1
        case .no: no += 1
        case .failed:
            failed += 1
            if let failure = LockFailure.from(reply, operation: "redlock node \(node)") ?? {
                if case .success(let v) = reply { return LockFailure.unexpected(v, operation: "redlock node \(node)") }
                return nil
            }() {
                context.counters.record(failure)
                if firstFailure == nil { firstFailure = failure }
            }
        }
        if !sending { evaluate() }
    }

    private func evaluate() {
        if decidedAt == nil, yes >= quorum || no + failed > nodes - quorum {
            decide(timedOut: 0)
        }
        if answered == nodes { settle() }
    }

    private func decide(timedOut: Int) {
        decidedAt = LockClock.monotonicNanos()
        timedOutAtDecision = timedOut
        onDecide?(self)
    }

    private func settle() {
        guard !settled else { return }
        settled = true
        settledAt = LockClock.monotonicNanos()
        if let timer {
            context.wheel.cancel(timer)
            self.timer = nil
        }
        let done = onSettled
        onSettled = nil
        done?()
    }

    var elapsedNanos: UInt64 { (decidedAt ?? LockClock.monotonicNanos()) &- startedAt }

    /// Calls `body` once the round has settled (at once if it has).
    func whenSettled(_ body: @escaping () -> Void) {
        if settled {
            body()
        } else if let previous = onSettled {
            onSettled = { previous(); body() }
        } else {
            onSettled = body
        }
    }

    /// Compare-and-delete `token` on every node.
    static func releaseAll(
        context: LockContext, key: String, token: String, purpose: LockContext.Purpose, operation: LockOperation
    ) -> RedlockRound {
        let round = RedlockRound(context: context)
        round.start(send: { node, handler in
            context.eval(context.connections[node], LockScripts.compareAndDelete, keys: [key], args: [.string(token)],
                         purpose, operation, handler)
        }, classify: { reply in
            switch reply {
            case .success(.integer(1)): return .yes
            case .success(.integer(0)): return .no
            default: return .failed
            }
        })
        return round
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
        let command: [RedisArgument] = ["SET", .string(key), .string(attemptToken), "NX", "PX", ttlArgument]
        round.onDecide = { [self] round in redlockDecided(round, token: attemptToken) }
        round.start(send: { [self] node, handler in
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
    func redlockRelease(_ grant: LockGrant, operation: LockOperation, completion: @escaping (ReleaseOutcome, Int) -> Void) {
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

    func redlockExtend(_ grant: LockGrant, byMs: Int, operation: LockOperation, completion: @escaping (ExtendOutcome) -> Void) {
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
            context.eval(context.connections[node], LockScripts.compareAndPexpire, keys: [grant.key],
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
