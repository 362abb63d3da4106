/// Client-side counts of one context (one queue), read on its queue and merged at the end of a run.
///
/// The driver measures server commands from `INFO` deltas; these say what the client did, split by cause,
/// so the two can be reconciled (server counts include every `redis.call` inside scripts; these count
/// what was sent: an `EVALSHA` is one command here).
public struct LockCounters: Sendable, Hashable, Codable {
    /// Acquisitions started.
    public var acquisitions = 0
    /// Acquisitions granted.
    public var granted = 0
    /// Acquisitions ended by their deadline.
    public var timedOut = 0
    /// Acquisitions ended by `maxAttempts`.
    public var gaveUp = 0
    /// Acquisitions ended by an error or cancellation.
    public var failed = 0
    /// Attempts (a `SET`/script/Redlock round that could have granted).
    public var attempts = 0
    /// Commands sent (all operations).
    public var commands = 0
    /// Commands sent by acquisitions.
    public var acquireCommands = 0
    /// Commands sent by releases.
    public var releaseCommands = 0
    /// Commands sent by extends and watchdog renewals.
    public var extendCommands = 0
    /// Subscription commands (`SUBSCRIBE`/`UNSUBSCRIBE`) on the subscriber connection.
    public var subscriptionCommands = 0
    /// `EVALSHA` answered `NOSCRIPT` and was re-sent as `EVAL`.
    public var scriptFallbacks = 0
    /// Releases by outcome.
    public var released = 0
    /// Releases that found the lock no longer ours.
    public var releaseNotOwner = 0
    /// naive-getdel releases that deleted another owner's lock.
    public var wrongOwnerDeletes = 0
    /// legacy-getset releases skipped because the holder's own expiry had passed.
    public var lateReleases = 0
    /// legacy-getset grants that took over an expired lock with GETSET.
    public var legacyTakeovers = 0
    /// Extends that succeeded.
    public var extended = 0
    /// Extends that found the lock gone.
    public var extendNotOwner = 0
    /// Watchdog renewals that succeeded.
    public var watchdogRenewals = 0
    /// Watchdog renewals that found the lock lost.
    public var watchdogLosses = 0
    /// Redlock attempts that reached quorum with validity ≤ 0.
    public var redlockOverruns = 0
    /// Redlock attempts whose votes split.
    public var redlockSplitVotes = 0
    /// Redlock node votes lost to the per-node timeout.
    public var redlockNodeTimeouts = 0
    /// Waiters woken by a pub/sub message (FIFO: hand-offs received).
    public var wakeups = 0
    /// Waiters woken by their fallback timer instead.
    public var fallbacks = 0
    /// Messages that woke no local waiter.
    public var unclaimedMessages = 0
    /// FIFO waiters whose ticket had expired and who queued again at the back.
    public var fifoRequeues = 0
    /// Errors by `LockFailure.kindKey`.
    public var errors: [String: Int] = [:]

    /// All zero.
    public init() {}

    /// Adds another context's counts to these.
    public mutating func merge(_ other: LockCounters) {
        acquisitions += other.acquisitions; granted += other.granted; timedOut += other.timedOut
        gaveUp += other.gaveUp; failed += other.failed; attempts += other.attempts; commands += other.commands
        acquireCommands += other.acquireCommands; releaseCommands += other.releaseCommands
        extendCommands += other.extendCommands; subscriptionCommands += other.subscriptionCommands
        scriptFallbacks += other.scriptFallbacks; released += other.released; releaseNotOwner += other.releaseNotOwner
        wrongOwnerDeletes += other.wrongOwnerDeletes; lateReleases += other.lateReleases
        legacyTakeovers += other.legacyTakeovers; extended += other.extended; extendNotOwner += other.extendNotOwner
        watchdogRenewals += other.watchdogRenewals; watchdogLosses += other.watchdogLosses
        redlockOverruns += other.redlockOverruns; redlockSplitVotes += other.redlockSplitVotes
        redlockNodeTimeouts += other.redlockNodeTimeouts; wakeups += other.wakeups; fallbacks += other.fallbacks
        unclaimedMessages += other.unclaimedMessages; fifoRequeues += other.fifoRequeues
        errors.merge(other.errors, uniquingKeysWith: +)
    }

    mutating func record(_ failure: LockFailure) { errors[failure.kindKey, default: 0] += 1 }
}
