/// One histogram per latency kind per second of the window: what `--hlog` writes as HdrHistogram
/// interval logs, so shards' seconds add up losslessly in `bench merge`.
///
/// Owned by one queue like its `QueueRecorder`. The current second's histograms are filled in place
/// and moved into `finished` when a timestamped event (a grant, a failure, an error) shows the clock
/// has passed into a later second: one move and one fresh histogram per kind per second, nothing per
/// value. Latencies recorded without a timestamp (release, handoff, extend, watchdog) count in the
/// second of the latest timestamped event, so one can land in the previous second by at most the
/// gap between two acquisitions. Every value recorded lands in exactly one second, so the seconds
/// of a kind add up to the window's histogram of that kind.
public struct IntervalHistograms: Codable, Sendable, Equatable {
    /// Histograms of seconds 0 ..< `currentSecond`, per kind, each array `currentSecond` long.
    private var finished: [LatencyKind: [ClampingHistogram]] = [:]
    private var current: [ClampingHistogram] = Self.fresh()
    private var currentSecond = 0

    public init() {}

    private static func fresh() -> [ClampingHistogram] {
        LatencyKind.allCases.map { _ in ClampingHistogram() }
    }

    @inline(__always)
    private static func slot(_ kind: LatencyKind) -> Int {
        switch kind {
        case .acquire: 0
        case .acquireCorrected: 1
        case .handoff: 2
        case .release: 3
        case .extend: 4
        case .watchdogLateness: 5
        }
    }

    /// Moves to `second` if it is later than the current one (earlier seconds are never reopened).
    @inline(__always)
    mutating func advance(to second: Int) {
        guard second > currentSecond else { return }
        flush(upTo: second)
    }

    private mutating func flush(upTo second: Int) {
        for kind in LatencyKind.allCases {
            var list = finished[kind] ?? []
            list.append(current[Self.slot(kind)])
            while list.count < second { list.append(ClampingHistogram()) }
            finished[kind] = list
        }
        current = Self.fresh()
        currentSecond = second
    }

    @inline(__always)
    mutating func record(_ kind: LatencyKind, _ nanos: UInt64) {
        current[Self.slot(kind)].record(nanos)
    }

    /// Seconds covered: every second up to and including the one being filled.
    public var seconds: Int { currentSecond + 1 }

    /// The histogram of `kind` for each second, from the window's start.
    public func histograms(_ kind: LatencyKind) -> [ClampingHistogram] {
        (finished[kind] ?? Array(repeating: ClampingHistogram(), count: currentSecond)) + [current[Self.slot(kind)]]
    }

    /// Adds another queue's seconds to these, second by second from each one's window start.
    public mutating func merge(_ other: IntervalHistograms) {
        let last = Swift.max(seconds, other.seconds) - 1
        if last > currentSecond { flush(upTo: last) }
        for kind in LatencyKind.allCases {
            let theirs = other.histograms(kind)
            for (second, histogram) in theirs.enumerated() where !histogram.isEmpty {
                if second == currentSecond {
                    current[Self.slot(kind)].merge(histogram)
                } else {
                    finished[kind]![second].merge(histogram)
                }
            }
        }
    }
}
