/// One acquisition's end, as the event log keeps it: enough to cut a run into phases around a fault.
public struct LoadEvent: Sendable, Hashable {
    /// When it ended (monotonic ns, `LockClock.monotonicNanos()`): the grant, or the failure.
    public var atNanos: UInt64
    /// First attempt → end, ns.
    public var latencyNanos: UInt64
    /// The validity the grant came with, ms (Redlock: `ttl − elapsed − drift`; others: the TTL); 0 for
    /// a failure.
    public var validityMs: Double
    /// Granted, or ended without the lock (timed out, gave up, failed).
    public var granted: Bool

    public init(atNanos: UInt64, latencyNanos: UInt64, validityMs: Double, granted: Bool) {
        self.atNanos = atNanos
        self.latencyNanos = latencyNanos
        self.validityMs = validityMs
        self.granted = granted
    }
}

/// Every acquisition's end in a run, when the scenario asks for it (`Scenario.eventLogCapacity`): the
/// raw material of fault experiments (phases before, during and after a fault; the unavailability
/// window = last grant before the fault to first grant after it), which histograms cannot give.
///
/// Each lane keeps its own on its queue (appends take no lock) and the run merges them at the end.
/// Bounded: past `capacity` events a lane keeps counting but stops storing, so a long run cannot grow
/// without limit; `dropped` says how many are missing from the end.
public struct LoadEventLog: Sendable {
    /// Events in time order (once merged; a lane appends in completion order).
    public private(set) var events: [LoadEvent] = []
    /// Events not kept because the log was full.
    public private(set) var dropped = 0
    /// Most events kept.
    public let capacity: Int

    public init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    mutating func append(_ event: LoadEvent) {
        if events.count < capacity { events.append(event) } else { dropped += 1 }
    }

    /// The lanes' logs as one, in time order.
    public static func merged(_ logs: [LoadEventLog]) -> LoadEventLog {
        var all = LoadEventLog(capacity: logs.reduce(0) { $0 + $1.capacity })
        all.events = logs.flatMap(\.events).sorted { $0.atNanos < $1.atNanos }
        all.dropped = logs.reduce(0) { $0 + $1.dropped }
        return all
    }

    /// Grants in `[start, end)`.
    public func grants(from start: UInt64, to end: UInt64) -> [LoadEvent] {
        events.filter { $0.granted && $0.atNanos >= start && $0.atNanos < end }
    }

    /// Acquisitions that ended without the lock in `[start, end)`.
    public func failures(from start: UInt64, to end: UInt64) -> [LoadEvent] {
        events.filter { !$0.granted && $0.atNanos >= start && $0.atNanos < end }
    }

    /// All grants.
    public var grantCount: Int { events.reduce(0) { $0 + ($1.granted ? 1 : 0) } }

    /// All acquisitions that ended without the lock.
    public var failureCount: Int { events.count - grantCount }

    /// The first grant strictly after `instant`, if any.
    public func firstGrant(after instant: UInt64) -> UInt64? {
        events.lazy.filter { $0.granted && $0.atNanos > instant }.map(\.atNanos).min()
    }

    /// The last grant at or before `instant`, if any.
    public func lastGrant(atOrBefore instant: UInt64) -> UInt64? {
        events.lazy.filter { $0.granted && $0.atNanos <= instant }.map(\.atNanos).max()
    }

    /// The longest stretch within `[start, end]` in which nobody was granted, ns: around a fault, how
    /// long the lock was unavailable.
    public func longestGapWithoutGrant(from start: UInt64, to end: UInt64) -> UInt64 {
        var last = start
        var longest: UInt64 = 0
        for at in events.filter({ $0.granted && $0.atNanos > start && $0.atNanos <= end }).map(\.atNanos).sorted() {
            longest = max(longest, at - last)
            last = at
        }
        return max(longest, end > last ? end - last : 0)
    }
}
