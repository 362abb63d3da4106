/// Everything one serial queue measures during the window.
///
/// A value type owned by exactly one queue and mutated in place only there: the hot path takes no lock
/// and touches no shared cache line. At the end the driver collects one recorder per queue and merges
/// them with `merge(_:)`; every part merges losslessly (histogram buckets and counters add).
///
/// Timestamps passed in are monotonic nanoseconds on the same clock as `windowStartNanos`; the
/// per-second timeline counts an event in the second in which it completed.
public struct QueueRecorder: Codable, Sendable, Equatable {
    /// Monotonic ns at which second 0 of the timeline starts.
    public internal(set) var windowStartNanos: UInt64
    /// Contenders in the whole run: the per-contender arrays are this long, indexed by global contender
    /// index, so recorders merge by plain addition whichever queue a contender lived on.
    public internal(set) var contenders: Int

    /// Acquisitions granted.
    public internal(set) var acquisitions = 0
    /// Every grant since the queue started, warm-up and drain included, where `acquisitions` counts
    /// only those that started and ended in the window: the figure a server's own count of the run's
    /// successful `SET NX`s equals. Optional only so recorders saved before it existed still decode.
    public internal(set) var grantsTotal: Int? = 0
    /// Acquisitions that ended without the lock (timed out, gave up, or failed).
    public internal(set) var failedAcquires = 0
    /// Errors by kind (e.g. `transport connection reset`), including ones that did not end an acquisition.
    public internal(set) var errors: [String: Int] = [:]
    /// The first message of each error kind: a count alone leaves the user to guess what failed.
    /// Optional only so recorders saved before it existed still decode.
    public internal(set) var errorExamples: [String: String]? = [:]

    /// Acquire latency, ns.
    public internal(set) var acquireLatency = ClampingHistogram()
    /// Open loop: acquire latency measured from the intended start, ns.
    public internal(set) var acquireCorrectedLatency = ClampingHistogram()
    /// Handoff latency, ns.
    public internal(set) var handoffLatency = ClampingHistogram()
    /// Release latency, ns.
    public internal(set) var releaseLatency = ClampingHistogram()
    /// Extend latency, ns.
    public internal(set) var extendLatency = ClampingHistogram()
    /// Attempts per granted acquisition.
    public internal(set) var attempts = ClampingHistogram(highestTrackableValue: 1 << 32)

    /// Grants per contender.
    public internal(set) var grants: [Int]
    /// Acquisitions that ended without the lock, per contender.
    public internal(set) var failedByContender: [Int]
    /// Attempts per contender (granted and failed acquisitions alike).
    public internal(set) var attemptsByContender: [Int]
    /// Summed acquire latency of each contender's granted acquisitions, ns (for its mean).
    public internal(set) var acquireNanosByContender: [UInt64]
    /// Grants per key, indexed by key number, so hot keys show (fairness stays over contenders).
    /// Optional only so recorders saved before it existed still decode.
    public internal(set) var grantsByKey: [Int]?

    /// The per-second timeline.
    public internal(set) var timeline = PerSecondSeries()
    /// Redlock attempts.
    public internal(set) var redlock = RedlockRecorder()
    /// Safety evidence. Settable so a driver can add totals it read from a shared witness at the end.
    public var safety = SafetyCounters()
    /// FIFO waits in which a later arrival was served before an earlier one on the same key.
    public internal(set) var fifoInversions = 0
    /// How late watchdog renewals ran, ns.
    public internal(set) var watchdogLateness = ClampingHistogram()
    /// Watchdog renewals that found the lock lost or failed.
    public internal(set) var watchdogFailures = 0
    /// What the harness itself did (timer lateness, hold stretch, open-loop arrivals that waited).
    /// Optional only so recorders saved before it existed still decode.
    public var harness: HarnessRecorder? = HarnessRecorder()
    /// Per-second histograms of every latency kind, for `--hlog`; `nil` (the default) records none.
    public internal(set) var intervals: IntervalHistograms?

    /// An empty recorder for a run of `contenders` contenders on `keys` keys whose window starts at
    /// `windowStartNanos`.
    public init(contenders: Int, keys: Int = 0, windowStartNanos: UInt64) {
        precondition(contenders >= 0 && keys >= 0, "contenders and keys must not be negative")
        self.contenders = contenders
        self.windowStartNanos = windowStartNanos
        grants = Array(repeating: 0, count: contenders)
        failedByContender = Array(repeating: 0, count: contenders)
        attemptsByContender = Array(repeating: 0, count: contenders)
        acquireNanosByContender = Array(repeating: 0, count: contenders)
        grantsByKey = Array(repeating: 0, count: keys)
    }

    /// Discards everything recorded so far (the warm-up) and starts the window at `windowStartNanos`;
    /// `grantsTotal` is the whole run's, so it stays.
    public mutating func reset(windowStartNanos: UInt64) {
        let recordsIntervals = intervals != nil
        let total = grantsTotal
        self = QueueRecorder(contenders: contenders, keys: grantsByKey?.count ?? 0, windowStartNanos: windowStartNanos)
        if recordsIntervals { intervals = IntervalHistograms() }
        grantsTotal = total
    }

    /// Starts keeping a histogram per latency kind per second (see `IntervalHistograms`); kept by `reset`.
    public mutating func recordIntervals() {
        if intervals == nil { intervals = IntervalHistograms() }
    }

    @inline(__always)
    mutating func recordInterval(_ kind: LatencyKind, _ nanos: UInt64) {
        intervals?.record(kind, nanos)
    }

    @inline(__always)
    func second(at nanos: UInt64) -> Int {
        guard nanos > windowStartNanos else { return 0 }
        let s = (nanos - windowStartNanos) / 1_000_000_000
        return s < UInt64(PerSecondSeries.maxSeconds) ? Int(s) : PerSecondSeries.maxSeconds - 1
    }

    // MARK: Acquisitions

    /// A granted acquisition: its latency (first attempt → grant), attempts, and when it completed.
    @inline(__always)
    public mutating func recordAcquired(contender: Int, latencyNanos: UInt64, attempts: Int, completedAtNanos: UInt64) {
        acquisitions &+= 1
        acquireLatency.record(latencyNanos)
        self.attempts.record(UInt64(Swift.max(0, attempts)))
        grants[contender] &+= 1
        attemptsByContender[contender] &+= attempts
        acquireNanosByContender[contender] &+= latencyNanos
        let s = second(at: completedAtNanos)
        timeline.recordAcquisition(second: s, latencyNanos: latencyNanos)
        intervals?.advance(to: s)
        recordInterval(.acquire, latencyNanos)
    }

    /// Any grant of the run, in the window or not (`recordAcquired` records the window's beside it).
    @inline(__always)
    public mutating func recordGrant() {
        grantsTotal? &+= 1
    }

    /// A grant in the window on key `key` (beside `recordAcquired`).
    @inline(__always)
    public mutating func recordKeyGrant(key: Int) {
        grantsByKey?[key] &+= 1
    }

    /// Open loop: the same acquisition's latency measured from its intended start time, ns. Recorded
    /// beside `recordAcquired`, not instead of it.
    @inline(__always)
    public mutating func recordCorrectedAcquireLatency(nanos: UInt64) {
        acquireCorrectedLatency.record(nanos)
        recordInterval(.acquireCorrected, nanos)
    }

    /// An acquisition that ended without the lock (timed out, gave up, or failed).
    @inline(__always)
    public mutating func recordFailedAcquire(contender: Int, attempts: Int, completedAtNanos: UInt64) {
        failedAcquires &+= 1
        failedByContender[contender] &+= 1
        attemptsByContender[contender] &+= attempts
        let s = second(at: completedAtNanos)
        timeline.recordFailure(second: s)
        intervals?.advance(to: s)
    }

    /// An error of kind `kind` (use `LockFailure.kindKey`); errors are rare, so a dictionary is fine here.
    public mutating func recordError(kind: String, atNanos: UInt64, message: String? = nil) {
        errors[kind, default: 0] += 1
        if let message, errorExamples?[kind] == nil { errorExamples?[kind] = message }
        let s = second(at: atNanos)
        timeline.recordError(second: s)
        intervals?.advance(to: s)
    }

    // MARK: Other latencies

    /// Release of the previous holder → grant to this one, same key, ns.
    @inline(__always)
    public mutating func recordHandoff(nanos: UInt64) {
        handoffLatency.record(nanos)
        recordInterval(.handoff, nanos)
    }

    /// A release's round trip, ns.
    @inline(__always)
    public mutating func recordRelease(nanos: UInt64) {
        releaseLatency.record(nanos)
        recordInterval(.release, nanos)
    }

    /// An extend's round trip, ns.
    @inline(__always)
    public mutating func recordExtend(nanos: UInt64) {
        extendLatency.record(nanos)
        recordInterval(.extend, nanos)
    }

    // MARK: Redlock

    /// One Redlock attempt (from `RedlockAttemptReport`): `validityMs` counts only when the attempt
    /// reached quorum; `answered` is the number of masters that replied before it was decided.
    public mutating func recordRedlockAttempt(
        elapsedNanos: UInt64, ttlMs: Int, validityMs: Double, answered: Int,
        quorumReached: Bool, overrun: Bool, splitVote: Bool
    ) {
        redlock.record(
            elapsedNanos: elapsedNanos, ttlMs: ttlMs, validityMs: validityMs, answered: answered,
            quorumReached: quorumReached, overrun: overrun, splitVote: splitVote
        )
    }

    // MARK: Safety and order

    /// The witness saw `count` overlapping holders.
    public mutating func recordMutexOverlap(_ count: Int = 1) { safety.mutexOverlaps += count }
    /// The fenced resource refused `count` stale writes.
    public mutating func recordStaleWriteRejected(_ count: Int = 1) { safety.staleWritesRejected += count }
    /// A release deleted another owner's lock.
    public mutating func recordWrongOwnerDelete(_ count: Int = 1) { safety.wrongOwnerDeletes += count }
    /// The algorithm granted a key that a live holder still held.
    public mutating func recordDoubleGrant(_ count: Int = 1) { safety.doubleGrants += count }
    /// A later arrival was served before an earlier one on the same key.
    public mutating func recordFIFOInversion(_ count: Int = 1) { fifoInversions += count }

    // MARK: Watchdog

    /// A renewal that ran `lateByNanos` after it was due.
    @inline(__always)
    public mutating func recordWatchdogRenewal(lateByNanos: UInt64) {
        watchdogLateness.record(lateByNanos)
        recordInterval(.watchdogLateness, lateByNanos)
    }

    /// A renewal that found the lock lost, or failed.
    public mutating func recordWatchdogFailure() { watchdogFailures += 1 }

    // MARK: Reading

    /// The histogram of one latency kind, ns.
    public func latency(_ kind: LatencyKind) -> ClampingHistogram {
        switch kind {
        case .acquire: return acquireLatency
        case .acquireCorrected: return acquireCorrectedLatency
        case .handoff: return handoffLatency
        case .release: return releaseLatency
        case .extend: return extendLatency
        case .watchdogLateness: return watchdogLateness
        }
    }

    /// Errors of every kind.
    public var errorCount: Int { errors.values.reduce(0, +) }
}
