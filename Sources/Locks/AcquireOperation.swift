import RESP
import RedisConnection

/// One acquisition in progress: a state machine driven by replies, timer-wheel wake-ups and pub/sub
/// messages, all on the context's queue. No thread, task or timer source of its own.
///
/// The algorithm (`context.algorithm`) sends each attempt and reads its replies; the wait strategy
/// (`Waiting.swift`) decides what happens between attempts. This file holds what they share: counting,
/// deadlines, sleeping on the wheel, and ending exactly once.
final class AcquireOperation: LockOperation, @unchecked Sendable {
    // @unchecked: confined to the context's queue (see `LockOperation`).

    enum FIFOPhase { case subscribing, polling, waiting, withdrawing }
    enum EndReason { case timedOut, gaveUp, cancelled }

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
    /// Index in `context.active` while in progress, else -1.
    var activeSlot = -1

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
        self.token = context.algorithm.usesAcquisitionToken ? context.newToken() : ""
        self.channelName = spec.needsSubscriber ? LockKeys.channel(key) : ""
    }

    var connection: any RedisConnection { context.connections[0] }
    var operationName: String { "acquire \(key)" }

    func start() {
        context.counters.acquisitions += 1
        context.active.insert(self)
        begin()
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
        noteAttemptSent()
        context.algorithm.attempt(self)
    }

    /// The reply to a command an attempt sent on the measured path.
    override func receive(_ reply: RedisReply, tag: Int) {
        guard !finished else { return }
        context.algorithm.receive(reply, tag: tag, for: self)
    }

    /// The attempt found the lock held: stop, or wait as the strategy says and try again.
    func attemptFailed() {
        guard !finished, !endsBeforeNextAttempt() else { return }
        waitAfterFailedAttempt()
    }

    /// A retry that is not a wait (the lock vanished mid-attempt): at once, unless the acquisition is over.
    func retryNow() {
        guard !endsBeforeNextAttempt() else { return }
        attempt()
    }

    /// Ends the acquisition when it is cancelled, past its deadline or out of attempts; true if it did.
    private func endsBeforeNextAttempt() -> Bool {
        if cancelRequested { end(.cancelled); return true }
        if let deadline, LockClock.monotonicNanos() >= deadline { end(.timedOut); return true }
        if let max = spec.maxAttempts, attempts >= max { end(.gaveUp); return true }
        return false
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
        stopWaiting(then: .timedOut)
    }

    // MARK: Ending

    func grant(fence: Int64? = nil, validityMs: Double? = nil, legacyExpiry: Int64? = nil, tookOver: Int64? = nil) {
        let now = LockClock.monotonicNanos()
        let grantToken = legacyExpiry.map { String($0) } ?? token
        let grant = LockGrant(LockGrant.Fields(
            key: key, token: grantToken, fencingToken: fence, attempts: attempts, commands: commands,
            startedAtNanos: startedAt, grantedAtNanos: now, ttlMs: spec.ttlMs,
            validityMs: validityMs ?? Double(spec.ttlMs), redlockAttempts: redlockReports,
            legacyExpiresAtMs: legacyExpiry, legacyTookOverExpiryMs: tookOver))
        if tookOver != nil { context.counters.legacyTakeovers += 1 }
        context.counters.granted += 1
        complete(.granted(grant))
    }

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
        fail(Locker.failure(reply, operationName))
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
        leaveWaiters()
        context.active.remove(self)
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
        if let queued = queueDescription { parts.append(queued) }
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
        stopWaiting(then: .cancelled)
    }
}
