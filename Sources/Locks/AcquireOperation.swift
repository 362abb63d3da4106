import RESP
import RedisConnection

/// One acquisition in progress: a state machine driven by replies, timer-wheel wake-ups and pub/sub
/// messages, all on the context's queue. No thread, task or timer source of its own.
final class AcquireOperation: LockOperation, @unchecked Sendable {
    // @unchecked: confined to the context's queue (see `LockOperation`).

    enum FIFOPhase { case subscribing, polling, waiting, withdrawing }

    let id: UInt64
    let locker: Locker
    let context: LockContext
    let spec: LockSpec
    let key: String
    let deadline: UInt64?
    let startedAt: UInt64
    var completion: LockCompletion<AcquireOutcome>?
    var attempts = 0
    var token: String
    var finished = false
    var cancelRequested = false
    var timer: TimerHandle?

    // pubsub
    let channelName: String
    var registeredChannel: PubSubHub.Channel?
    var waitGeneration: UInt64 = 0
    var confirmedAtSend = false
    var epochAtSend: UInt64 = 0
    var retryWhenSubscribed = false

    // fifo
    var fifoPhase: FIFOPhase = .subscribing
    var ticket = ""

    // redlock
    var redlockReports: [RedlockAttemptReport] = []
    var lastCleanup: RedlockRound?

    init(locker: Locker, key: String, deadline: UInt64?, startedAt: UInt64? = nil, completion: LockCompletion<AcquireOutcome>) {
        let context = locker.context
        self.id = context.makeID()
        self.locker = locker
        self.context = context
        self.spec = context.spec
        self.key = key
        self.deadline = deadline
        self.completion = completion
        self.startedAt = startedAt ?? LockClock.monotonicNanos()
        self.token = spec.algorithm == .redlock || spec.algorithm == .legacyGetset ? "" : context.newToken()
        self.channelName = spec.needsSubscriber ? LockKeys.channel(key) : ""
    }

    var connection: any RedisConnection { context.connections[0] }
    var ttlArgument: RedisArgument { .integer(Int64(spec.ttlMs)) }
    var operationName: String { "acquire \(key)" }

    func start() {
        context.counters.acquisitions += 1
        context.active[id] = self
        if spec.wait.kind == .fifo {
            fifoStart()
        } else {
            attempt()
        }
    }

    // MARK: Attempts

    func attempt() {
        guard !finished else { return }
        if cancelRequested {
            end(.cancelled)
            return
        }
        attempts += 1
        context.counters.attempts += 1
        if spec.wait.kind == .pubsub, let hub = context.hub {
            (confirmedAtSend, epochAtSend) = hub.snapshot(channelName)
        }
        switch spec.algorithm {
        case .setnxPX, .naiveGetdel:
            context.send(connection, .acquire, self, tag: LockTag.setNX) { [key, token, context] encoder in
                encoder.appendSetNX(key: key, token: token, suffix: context.setSuffix)
            }
        case .fenced:
            sendFencedAcquire(asSource: false)
        case .legacyGetset:
            legacySetnx()
        case .redlock:
            redlockAttempt()
        }
    }

    func sendFencedAcquire(asSource: Bool) {
        let tag = LockTag.fencedAcquire | (asSource ? LockTag.asSource : 0)
        context.send(connection, .acquire, self, tag: tag) { [key, token, spec] encoder in
            encoder.appendScriptCall(LockScripts.fencedAcquire, asSource: asSource, keys: 2, args: 2)
            encoder.appendArgument(key)
            encoder.appendArgument(LockKeys.fence(key))
            encoder.appendArgument(token)
            encoder.appendArgument(Int64(spec.ttlMs))
        }
    }

    /// The reply to an attempt's `SET NX` or fenced-acquire script.
    override func receive(_ reply: RedisReply, tag: Int) {
        guard !finished else { return }
        switch tag & LockTag.kindMask {
        case LockTag.setNX:
            switch reply {
            case .success(.simpleString("OK")): grant()
            case .success(let value) where value.isNull: attemptFailed()
            default: fail(reply)
            }
        case LockTag.fencedAcquire:
            if context.needsEvalFallback(reply, tag: tag) { return sendFencedAcquire(asSource: true) }
            switch reply {
            case .success(.integer(let fence)): grant(fence: fence)
            case .success(let value) where value.isNull: attemptFailed()
            default: fail(reply)
            }
        default:
            assertionFailure("acquire received a reply tagged \(tag)")
        }
    }

    /// The attempt found the lock held: stop, or wait as the strategy says and try again.
    func attemptFailed() {
        guard !finished else { return }
        if cancelRequested { end(.cancelled); return }
        if let deadline, LockClock.monotonicNanos() >= deadline { end(.timedOut); return }
        if let max = spec.maxAttempts, attempts >= max { end(.gaveUp); return }
        if spec.wait.kind == .pubsub {
            waitForRelease()
            return
        }
        let delay = context.waitNanos(afterAttempt: attempts)
        if delay == 0 {
            attempt() // spin: the reply that failed arrived asynchronously, so this does not recurse
        } else {
            sleep(delay) { [self] in attempt() }
        }
    }

    /// Sleeps on the wheel, ending with `.timedOut` instead if the deadline comes first.
    func sleep(_ nanos: UInt64, then wake: @escaping () -> Void) {
        var delay = nanos
        var endsAtDeadline = false
        if let deadline {
            let now = LockClock.monotonicNanos()
            let left = deadline > now ? deadline - now : 0
            if delay >= left {
                delay = left
                endsAtDeadline = true
            }
        }
        timer = context.wheel.schedule(afterNanos: delay) { [self] in
            timer = nil
            if endsAtDeadline { deadlinePassed() } else { wake() }
        }
    }

    func deadlinePassed() {
        guard !finished else { return }
        if let hub = context.hub, registeredChannel != nil { hub.unregister(self) }
        retryWhenSubscribed = false
        if spec.wait.kind == .fifo {
            fifoWithdraw(then: .timedOut)
        } else {
            end(.timedOut)
        }
    }

    // MARK: pubsub

    func waitForRelease() {
        guard let hub = context.hub else {
            sleep(UInt64(spec.wait.fallbackMs) * 1_000_000) { [self] in attempt() }
            return
        }
        if confirmedAtSend {
            // Subscribed before our attempt was sent, so any release since was published to us; if one
            // woke nobody here (we were not registered yet), it may have been ours: retry now.
            let missed = spec.wait.wakeAll
                ? hub.snapshot(channelName).epoch != epochAtSend
                : hub.lastUnclaimedEpoch(channelName) > epochAtSend
            if missed {
                attempt()
                return
            }
            hub.register(self, on: channelName)
        } else {
            // Not subscribed when the attempt was sent: a release before the subscription took effect
            // was not seen by anyone, so retry once the subscription is confirmed.
            hub.register(self, on: channelName)
            retryWhenSubscribed = true
            hub.whenSubscribed(self, on: channelName)
            guard !finished, registeredChannel != nil, retryWhenSubscribed else { return }
        }
        sleep(UInt64(spec.wait.fallbackMs) * 1_000_000) { [self] in
            hub.unregister(self)
            retryWhenSubscribed = false
            context.counters.fallbacks += 1
            attempt()
        }
    }

    /// A release message picked this waiter (the hub has unregistered it).
    func woken() {
        guard !finished else { return }
        cancelTimer()
        retryWhenSubscribed = false
        attempt()
    }

    /// The channel's SUBSCRIBE was answered (confirmed or failed).
    func subscriptionSettled() {
        guard !finished else { return }
        if spec.wait.kind == .fifo {
            if fifoPhase == .subscribing {
                cancelTimer()
                fifoPoll()
            }
            return
        }
        guard retryWhenSubscribed, registeredChannel != nil else { return }
        retryWhenSubscribed = false
        guard context.hub?.snapshot(channelName).confirmed == true else { return } // failed: the fallback timer stays
        context.hub?.unregister(self)
        cancelTimer()
        attempt()
    }

    // MARK: fifo

    var fifoKeys: [String] {
        let fifo = [key, LockKeys.queue(key), LockKeys.queueDeadlines(key)]
        return spec.algorithm == .fenced ? fifo + [LockKeys.fence(key)] : fifo
    }

    func fifoStart() {
        guard let hub = context.hub else { return fifoPoll() }
        fifoPhase = .subscribing
        // Subscribed before the ticket exists, so the hand-off message cannot be missed.
        hub.registerFIFO(self, token: token, on: channelName)
        hub.whenSubscribed(self, on: channelName)
        guard !finished, fifoPhase == .subscribing else { return }
        // A subscriber in trouble must not strand us: after the fallback, queue anyway and poll.
        sleep(UInt64(spec.wait.fallbackMs) * 1_000_000) { [self] in
            context.counters.fallbacks += 1
            fifoPoll()
        }
    }

    func fifoPoll() {
        guard !finished else { return }
        if cancelRequested {
            fifoWithdraw(then: .cancelled)
            return
        }
        attempts += 1
        context.counters.attempts += 1
        fifoPhase = .polling
        let args: [RedisArgument] = [
            .string(token), ttlArgument, .integer(Int64(spec.wait.ticketTtlMs)), .string(ticket), .string(channelName),
        ]
        context.eval(connection, LockScripts.fifoAcquire, keys: fifoKeys, args: args, .acquire, self) { [self] reply in
            guard !finished, fifoPhase == .polling else { return }
            guard case .success(let value) = reply, let items = value.elements, let flag = items.first?.integer else {
                return fail(reply)
            }
            if flag == 1 {
                let fence = items.count > 1 ? items[1].integer ?? 0 : 0
                grant(fence: spec.algorithm == .fenced ? fence : nil)
                return
            }
            if items.count > 1, let newTicket = items[1].string { ticket = newTicket }
            if items.count > 2, items[2].integer == 1 { context.counters.fifoRequeues += 1 }
            if cancelRequested {
                fifoWithdraw(then: .cancelled)
                return
            }
            if let max = spec.maxAttempts, attempts >= max {
                fifoWithdraw(then: .gaveUp)
                return
            }
            fifoPhase = .waiting
            sleep(UInt64(spec.wait.fallbackMs) * 1_000_000) { [self] in
                context.counters.fallbacks += 1
                fifoPoll()
            }
        }
    }

    /// A release (or a newcomer's script) handed the lock to our ticket.
    func handedOff(fence: Int64) {
        guard !finished, fifoPhase == .polling || fifoPhase == .waiting else { return }
        cancelTimer()
        grant(fence: spec.algorithm == .fenced ? fence : nil)
    }

    /// Withdraws the ticket (and passes the lock on if it reached us meanwhile), then ends.
    func fifoWithdraw(then reason: EndReason) {
        cancelTimer()
        fifoPhase = .withdrawing
        let args: [RedisArgument] = [.string(token), ttlArgument, .string(channelName), .string(ticket)]
        context.eval(connection, LockScripts.fifoRelease, keys: fifoKeys, args: args, .acquire, self) { [self] _ in
            end(reason)
        }
    }

    // MARK: legacy-getset

    func legacySetnx() {
        let expiry = locker.nowMs() + Int64(spec.ttlMs) + 1
        context.send(connection, ["SETNX", .string(key), .integer(expiry)], .acquire, self) { [self] reply in
            guard !finished else { return }
            switch reply {
            case .success(.integer(1)): grant(legacyExpiry: expiry, tookOver: nil)
            case .success(.integer(0)): legacyGet()
            default: fail(reply)
            }
        }
    }

    func legacyGet() {
        context.send(connection, ["GET", .string(key)], .acquire, self) { [self] reply in
            guard !finished else { return }
            guard case .success(let value) = reply, value.errorMessage == nil else { return fail(reply) }
            if value.isNull {
                // Released between SETNX and GET: try again at once (a new attempt).
                return retryNow()
            }
            guard let text = value.string, let stored = Int64(text) else { return fail(reply) }
            if locker.nowMs() <= stored {
                attemptFailed() // held and not expired by our clock
            } else {
                legacyGetset(expired: text)
            }
        }
    }

    func legacyGetset(expired: String) {
        let expiry = locker.nowMs() + Int64(spec.ttlMs) + 1
        context.send(connection, ["GETSET", .string(key), .integer(expiry)], .acquire, self) { [self] reply in
            guard !finished else { return }
            guard case .success(let value) = reply, value.errorMessage == nil else { return fail(reply) }
            // Ours only if nobody changed the value since we judged it expired (nil: it was deleted,
            // and our GETSET created it, so it is ours too). Otherwise another contender took over
            // first, and we have just nudged its expiry: the design's known flaw, kept as it was.
            if value.isNull || value.string == expired {
                grant(legacyExpiry: expiry, tookOver: Int64(expired))
            } else {
                attemptFailed()
            }
        }
    }

    func retryNow() {
        if cancelRequested { end(.cancelled); return }
        if let deadline, LockClock.monotonicNanos() >= deadline { end(.timedOut); return }
        if let max = spec.maxAttempts, attempts >= max { end(.gaveUp); return }
        attempt()
    }

    // MARK: Ending

    func grant(fence: Int64? = nil, validityMs: Double? = nil, legacyExpiry: Int64? = nil, tookOver: Int64? = nil) {
        let now = LockClock.monotonicNanos()
        let grantToken = legacyExpiry.map { String($0) } ?? token
        let grant = LockGrant(
            key: key, token: grantToken, fencingToken: fence, attempts: attempts, commands: commands,
            startedAtNanos: startedAt, grantedAtNanos: now, ttlMs: spec.ttlMs,
            validityMs: validityMs ?? Double(spec.ttlMs), redlockAttempts: redlockReports,
            legacyExpiresAtMs: legacyExpiry, legacyTookOverExpiryMs: tookOver)
        if tookOver != nil { context.counters.legacyTakeovers += 1 }
        context.counters.granted += 1
        complete(.granted(grant))
    }

    enum EndReason { case timedOut, gaveUp, cancelled }

    func end(_ reason: EndReason) {
        guard !finished else { return }
        // Redlock: a failed attempt's releases must be answered (or timed out) before we report the
        // acquisition over, so "timed out" also means "left no key on any node that answers".
        if let cleanup = lastCleanup, !cleanup.settled {
            cleanup.whenSettled { [self] in end(reason) }
            return
        }
        let summary = self.summary()
        switch reason {
        case .timedOut:
            context.counters.timedOut += 1
            complete(.timedOut(summary))
        case .gaveUp:
            context.counters.gaveUp += 1
            complete(.gaveUp(summary))
        case .cancelled:
            context.counters.failed += 1
            complete(.failed(LockFailure(.cancelled, operation: operationName, detail: "cancelled"), summary))
        }
    }

    func fail(_ reply: RedisReply) {
        let failure: LockFailure
        if let f = LockFailure.from(reply, operation: operationName) {
            failure = f
        } else if case .success(let value) = reply {
            failure = LockFailure.unexpected(value, operation: operationName)
        } else {
            failure = LockFailure(.unexpectedReply, operation: operationName, detail: "no reply")
        }
        fail(failure)
    }

    func fail(_ failure: LockFailure) {
        guard !finished else { return }
        context.counters.failed += 1
        context.counters.record(failure)
        complete(.failed(failure, summary()))
    }

    func summary() -> AcquireSummary {
        AcquireSummary(key: key, attempts: attempts, commands: commands, startedAtNanos: startedAt,
                       endedAtNanos: LockClock.monotonicNanos(), redlockAttempts: redlockReports)
    }

    private func complete(_ outcome: AcquireOutcome) {
        guard !finished else { return }
        finished = true
        cancelTimer()
        if let hub = context.hub {
            if registeredChannel != nil { hub.unregister(self) }
            if spec.wait.kind == .fifo { hub.unregisterFIFO(token: token, on: channelName) }
        }
        context.active[id] = nil
        let done = completion
        completion = nil
        done?(outcome)
    }

    func cancelTimer() {
        if let timer {
            context.wheel.cancel(timer)
            self.timer = nil
        }
    }

    var debugDescription: String {
        var parts = ["acquire \(key)", "attempts \(attempts)", "commands \(commands)"]
        if timer != nil { parts.append("sleeping") }
        if registeredChannel != nil { parts.append("registered on \(channelName)") }
        if retryWhenSubscribed { parts.append("awaiting subscription") }
        if spec.wait.kind == .fifo { parts.append("fifo \(fifoPhase) ticket '\(ticket)'") }
        if let cleanup = lastCleanup, !cleanup.settled { parts.append("awaiting redlock cleanup") }
        if cancelRequested { parts.append("cancel requested") }
        return parts.joined(separator: ", ")
    }

    /// Ends the acquisition as soon as it is waiting (at once if it is now); a command in flight is
    /// never abandoned, since its reply may grant the lock, which is then delivered as granted.
    func cancel() {
        guard !finished else { return }
        cancelRequested = true
        guard timer != nil else { return }
        cancelTimer()
        if let hub = context.hub, registeredChannel != nil { hub.unregister(self) }
        if spec.wait.kind == .fifo {
            if fifoPhase == .subscribing { end(.cancelled) } else { fifoWithdraw(then: .cancelled) }
        } else {
            end(.cancelled)
        }
    }
}
