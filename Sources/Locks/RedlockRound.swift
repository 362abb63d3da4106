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
            context.eval(context.connections[node], LockScripts.compareAndDelete, keys: [context.redlockKey(key, node: node)], args: [.string(token)],
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
