import RESP
import RedisConnection

/// One contender: acquires, releases and extends locks with its context's algorithm and wait strategy.
///
/// Every method must be called on `context.queue`, and every completion runs there, exactly once. A
/// locker may run several acquisitions at once (on different keys); each is an independent state
/// machine. The `async` variants are conveniences for tests and setup: they hop onto the queue.
public final class Locker: @unchecked Sendable {
    // @unchecked: confined to `context.queue`, like its context.

    /// The context (queue, connections, spec) this contender runs on.
    public let context: LockContext
    /// Unique within the context.
    public let id: UInt64
    /// Skew of this contender's wall clock, ms (legacy-getset judges and stores expiries with it).
    public var clockOffsetMs: Int64

    var watchdogs: [UInt64: Watchdog] = [:]
    /// The last script release this locker sent, for `ReleaseOperation.start` to reuse.
    var spareRelease: ReleaseOperation?

    init(context: LockContext, id: UInt64, clockOffsetMs: Int64) {
        self.context = context
        self.id = id
        self.clockOffsetMs = clockOffsetMs
    }

    /// This contender's wall clock, ms: the real one plus `clockOffsetMs`.
    public func nowMs() -> Int64 { LockClock.wallMillis() &+ clockOffsetMs }

    // MARK: Acquire

    /// Tries to take `key`, waiting between attempts as the spec's wait strategy says, until granted,
    /// `deadlineNanos` (monotonic, `LockClock.monotonicNanos()`) passes, `maxAttempts` is reached, or an
    /// error. `completion` runs once on the queue.
    ///
    /// A command in flight at the deadline is not abandoned (its reply may grant the lock, and dropping it
    /// would leak a held lock): bound a hung server with `ConnectionOptions.commandTimeoutMs`.
    public func acquire(key: String, deadlineNanos: UInt64?, completion: @escaping (AcquireOutcome) -> Void) {
        context.assertOnQueue()
        AcquireOperation(locker: self, key: key, deadline: deadlineNanos, completion: .closure(completion)).start()
    }

    /// `acquire` reporting to `observer.acquireEnded(_:tag:)` instead of a closure: the driver's path,
    /// which allocates no closure per acquisition. `startedAtNanos` is the caller's reading of
    /// `LockClock.monotonicNanos()` taken just now (the driver has one), so the clock is not read twice.
    public func acquire(key: String, deadlineNanos: UInt64?, startedAtNanos: UInt64? = nil, observer: any LockObserver, tag: Int) {
        context.assertOnQueue()
        AcquireOperation(locker: self, key: key, deadline: deadlineNanos, startedAt: startedAtNanos,
                         completion: .observer(observer, tag)).start()
    }

    // MARK: Release

    /// Releases a grant as its algorithm does (and stops its watchdog). `completion` runs once on the queue.
    ///
    /// - `setnx-px`/`fenced`: Lua compare-and-delete (`pubsub`: and publish; `fifo`: and hand to the next ticket).
    /// - `naive-getdel`: `GET`, then, if it is our token, a delete. The delete is sent as `GETDEL`, which
    ///   deletes unconditionally exactly like the `DEL` of the pitfall (same race, same cost), but names the
    ///   value it removed, so each wrong-owner delete is detected and reported, not guessed.
    /// - `legacy-getset`: `DEL` only if our own expiry (by our skewed clock) has not passed.
    /// - `redlock`: compare-and-delete on every master; released when any deleted our key.
    public func release(_ grant: LockGrant, completion: @escaping (ReleaseReport) -> Void) {
        release(grant, .closure(completion))
    }

    /// `release` reporting to `observer.releaseEnded(_:tag:)`: the driver's path.
    public func release(_ grant: LockGrant, observer: any LockObserver, tag: Int) {
        release(grant, .observer(observer, tag))
    }

    func release(_ grant: LockGrant, _ completion: LockCompletion<ReleaseReport>) {
        context.assertOnQueue()
        stopWatchdogs(token: grant.token)
        context.algorithm.release(grant, by: self, completion)
    }

    // MARK: Extend

    /// Resets the lock's TTL to `byMs` if it is still ours. `completion` runs once on the queue.
    public func extend(_ grant: LockGrant, byMs: Int, completion: @escaping (ExtendOutcome) -> Void) {
        context.assertOnQueue()
        extend(grant, byMs: byMs, operation: LockOperation(), completion: completion)
    }

    func extend(_ grant: LockGrant, byMs: Int, operation: LockOperation, completion: @escaping (ExtendOutcome) -> Void) {
        let finish: (ExtendOutcome) -> Void = { [context] outcome in
            switch outcome {
            case .extended: context.counters.extended += 1
            case .notOwner: context.counters.extendNotOwner += 1
            case .failed(let failure): context.counters.record(failure)
            }
            completion(outcome)
        }
        context.algorithm.extend(grant, byMs: byMs, by: self, operation: operation, finish)
    }

    // MARK: Watchdog

    /// Renews `grant` every ttl/3 (by the full TTL) until stopped, released, or lost; reports each
    /// renewal with its lateness, and a loss once (then stops). `onEvent` runs on the queue.
    @discardableResult
    public func startWatchdog(_ grant: LockGrant, onEvent: @escaping (WatchdogEvent) -> Void) -> WatchdogHandle {
        context.assertOnQueue()
        let watchdog = Watchdog(locker: self, handle: WatchdogHandle(id: context.makeID()), grant: grant, onEvent: onEvent)
        watchdogs[watchdog.handle.id] = watchdog
        watchdog.start()
        return watchdog.handle
    }

    /// Stops a watchdog; a renewal in flight is ignored when it returns. Idempotent.
    public func stopWatchdog(_ handle: WatchdogHandle) {
        context.assertOnQueue()
        watchdogs.removeValue(forKey: handle.id)?.stop()
    }

    func stopWatchdogs(token: String) {
        guard !watchdogs.isEmpty else { return }
        for (id, watchdog) in watchdogs where watchdog.grant.token == token {
            watchdogs[id] = nil
            watchdog.stop()
        }
    }

    static func failure(_ reply: RedisReply, _ operation: String) -> LockFailure {
        if let failure = LockFailure.from(reply, operation: operation) { return failure }
        if case .success(let value) = reply { return LockFailure.unexpected(value, operation: operation) }
        return LockFailure(.unexpectedReply, operation: operation, detail: "no reply")
    }
}

// MARK: async conveniences (tests, setup): they hop onto the context's queue.

extension Locker {
    /// `acquire` for async callers.
    public func acquire(key: String, deadlineNanos: UInt64?) async -> AcquireOutcome {
        await withCheckedContinuation { continuation in
            context.queue.async { self.acquire(key: key, deadlineNanos: deadlineNanos) { continuation.resume(returning: $0) } }
        }
    }

    /// `acquire` with a deadline `timeoutMs` from now.
    public func acquire(key: String, timeoutMs: Int) async -> AcquireOutcome {
        await acquire(key: key, deadlineNanos: LockClock.monotonicNanos() + UInt64(timeoutMs) * 1_000_000)
    }

    /// `release` for async callers.
    public func release(_ grant: LockGrant) async -> ReleaseReport {
        await withCheckedContinuation { continuation in
            context.queue.async { self.release(grant) { continuation.resume(returning: $0) } }
        }
    }

    /// `extend` for async callers.
    public func extend(_ grant: LockGrant, byMs: Int) async -> ExtendOutcome {
        await withCheckedContinuation { continuation in
            context.queue.async { self.extend(grant, byMs: byMs) { continuation.resume(returning: $0) } }
        }
    }
}
