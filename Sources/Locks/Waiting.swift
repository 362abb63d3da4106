import RESP
import RedisConnection

// Every decision that depends on the wait strategy, in one place: what an acquisition does first,
// after a failed attempt, when it stops early and when it ends, and what a release sends to wake the
// waiters. The algorithms and the operations ask these functions; they never switch on the strategy.

extension AcquireOperation {
    /// The first step: an attempt, or (fifo) a subscription and a ticket.
    func begin() {
        if case .fifo(let fallback, _, let ticketTTL) = spec.wait {
            fifoStart(fallback: fallback, ticketTTL: ticketTTL)
        } else {
            attempt()
        }
    }

    /// Called as each attempt goes out.
    func noteAttemptSent() {
        if case .pubsub = spec.wait { snapshotChannel() }
    }

    /// The attempt failed and the acquisition goes on: sleep, park, or retry at once.
    func waitAfterFailedAttempt() {
        var nanos: UInt64
        switch spec.wait {
        case .spin:
            nanos = 0
        case .fixed(let delay):
            nanos = delay.nanos
        case .backoff(let base, let cap):
            let shift = UInt64(min(max(attempts - 1, 0), 40))
            let ceilingMs = min(UInt64(cap.count), UInt64(base.count) << shift)
            nanos = context.rng.uniform(upTo: ceilingMs * 1_000_000)
        case .pubsub(let fallback, let wakeAll, _):
            return waitForRelease(fallback: fallback, wakeAll: wakeAll)
        case .fifo(let fallback, _, let ticketTTL):
            // FIFO attempts are polls that wait on their own; a plain attempt does not happen.
            return fifoPoll(fallback: fallback, ticketTTL: ticketTTL)
        case .watch:
            // The store queued the waiter and ends the acquisition itself; a failed attempt is not a thing.
            assertionFailure("wait 'watch' never retries")
            return end(.gaveUp)
        }
        nanos &+= context.algorithm.retryDelayNanos(context)
        if nanos == 0 {
            attempt() // spin: the reply that failed arrived asynchronously, so this does not recurse
        } else {
            sleep(nanos) { [self] in attempt() }
        }
    }

    /// The deadline passed or a cancel arrived while waiting: end, withdrawing a FIFO ticket first.
    func stopWaiting(then reason: EndReason) {
        guard case .fifo = spec.wait else { return end(reason) }
        if reason == .cancelled && fifoPhase == .subscribing { return end(reason) }
        fifoWithdraw(then: reason)
    }

    /// The channel's SUBSCRIBE was answered (confirmed or failed).
    func subscriptionSettled() {
        guard !finished else { return }
        if case .fifo(let fallback, _, let ticketTTL) = spec.wait {
            fifoSubscriptionSettled(fallback: fallback, ticketTTL: ticketTTL)
        } else {
            pubsubSubscriptionSettled()
        }
    }

    /// Leaves the channel (and the FIFO token registry) as the acquisition ends.
    func leaveWaiters() {
        guard let hub = context.hub else { return }
        if registeredChannel != nil { hub.unregister(self) }
        if case .fifo = spec.wait { hub.unregisterFIFO(token: token, on: channelName) }
    }

    /// The FIFO phase and ticket, for diagnostics; nil for other strategies.
    var queueDescription: String? {
        guard case .fifo = spec.wait else { return nil }
        return "fifo \(fifoPhase) ticket '\(ticket)'"
    }
}

extension ReleaseOperation {
    /// The keys and channel a release names besides the lock key, made once per release: the
    /// command may be written twice (when it outgrows the stack buffer), and these strings are
    /// allocations. Nil when the wait strategy names none, so a plain release copies no strings.
    struct DerivedNames {
        var channel = ""
        var queue = ""
        var deadlines = ""
        var fence = ""

        static func of(_ key: String, spec: LockSpec) -> DerivedNames? {
            switch spec.wait {
            case .pubsub:
                return DerivedNames(channel: LockKeys.channel(key))
            case .fifo:
                return DerivedNames(
                    channel: LockKeys.channel(key), queue: LockKeys.queue(key), deadlines: LockKeys.queueDeadlines(key),
                    fence: spec.algorithm == .fenced ? LockKeys.fence(key) : "")
            case .spin, .fixed, .backoff, .watch:
                return nil
            }
        }
    }

    /// The compare-and-delete script a script-released lock (setnx-px, fenced) runs, with the publish
    /// (pubsub) or hand-off to the next ticket (fifo) its waiters need.
    static func scriptCall(_ spec: LockSpec) -> ScriptCall {
        switch spec.wait {
        case .pubsub: return ScriptCall(LockScripts.releaseAndPublish, keys: 1, args: 2)
        case .fifo: return ScriptCall(LockScripts.fifoRelease, keys: spec.algorithm == .fenced ? 4 : 3, args: 4)
        case .spin, .fixed, .backoff, .watch: return ScriptCall(LockScripts.compareAndDelete, keys: 1, args: 1)
        }
    }

    /// The call `scriptCall(spec)` made once per context (`call`), with this release's keys and arguments.
    static func encode(
        _ grant: LockGrant, _ derived: DerivedNames?, spec: LockSpec, call: ScriptCall, asSource: Bool,
        into writer: inout RESPWriter
    ) {
        writer.scriptCall(call, asSource: asSource)
        // Names are unwrapped only where used: an empty set made for a plain release is four
        // strings made and destroyed per cycle.
        switch spec.wait {
        case .pubsub:
            let names = derived ?? DerivedNames()
            writer.argument(grant.key)
            writer.argument(grant.token)
            writer.argument(names.channel)
        case .fifo:
            let names = derived ?? DerivedNames()
            writer.argument(grant.key)
            writer.argument(names.queue)
            writer.argument(names.deadlines)
            if spec.algorithm == .fenced { writer.argument(names.fence) }
            writer.argument(grant.token)
            writer.argument(Int64(spec.ttlMs))
            writer.argument(names.channel)
            writer.argument("")
        case .spin, .fixed, .backoff, .watch:
            writer.argument(grant.key)
            writer.argument(grant.token)
        }
    }
}

extension LockContext {
    /// A release command sent without a script (naive-getdel, legacy-getset), followed by the
    /// `PUBLISH` that wakes pubsub waiters, in one batch.
    func wakingWaiters(after release: [RedisArgument], key: String) -> [[RedisArgument]] {
        guard case .pubsub = spec.wait else { return [release] }
        return [release, ["PUBLISH", .string(LockKeys.channel(key)), "r"]]
    }
}
