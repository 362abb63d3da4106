/// Whether lockbench, rather than the server, set a run's figures, and why.
///
/// A saturated client runs its timers late: holds that should last 1 ms last seconds, waiters retry
/// late, and throughput collapses while the server idles. The lock figures then describe the harness.
/// The run is marked `clientBound` when any of these passes its limit:
/// - the driver's timers ran late by more than `timerLateLimitNanos` at p99;
/// - holds lasted more than `holdStretchLimit` times their requested length on average, and more than
///   `holdExtraLimitNanos` longer (so the wheel's rounding of a 1 ms hold to its tick does not count);
/// - in open loop, more than `arrivalsWaitedLimit` of the arrivals found no free contender.
public struct HarnessLoad: Codable, Sendable, Hashable {
    /// 10 ticks of the 1 ms timer wheel: a callback that late waited behind other work on its queue.
    public static let timerLateLimitNanos: UInt64 = 10_000_000
    /// Mean actual hold over mean requested hold above which holds count as stretched.
    public static let holdStretchLimit = 2.0
    /// 2 ticks: a 1 ms hold rounded up to the wheel's next tick can last nearly 2 ms without any load.
    public static let holdExtraLimitNanos = 2_000_000.0
    /// Share of open-loop arrivals that may wait for a free contender before the load is not what was asked.
    public static let arrivalsWaitedLimit = 0.01

    /// Driver timer lateness, 99th percentile, µs; `nil` when no timer ran in the window.
    public var timerLateP99Us: Double?
    /// Driver timer lateness, maximum, µs.
    public var timerLateMaxUs: Double?
    /// Mean actual hold / mean requested hold; `nil` without holds longer than 0.
    public var holdStretch: Double?
    /// How much longer than requested holds lasted, 99th percentile, µs.
    public var holdOverrunP99Us: Double?
    /// Open loop: arrivals due in the window.
    public var arrivals: Int
    /// Open loop: arrivals that waited for a free contender.
    public var arrivalsWaited: Int
    /// The harness limited the run: its figures describe lockbench, not Redis.
    public var clientBound: Bool
    /// Which limits were passed and by how much, e.g. `timer wheel p99 late by 40 ms; holds ran 12× their requested length`.
    public var reason: String?

    /// Judges the figures of a merged recorder.
    public init(_ raw: HarnessRecorder) {
        let late = raw.timerLateness
        timerLateP99Us = late.isEmpty ? nil : Double(late.value(atPercentile: 99)) / 1_000
        timerLateMaxUs = late.isEmpty ? nil : Double(late.max) / 1_000
        let requested = Double(raw.requestedHoldNanos)
        let actual = Double(raw.actualHoldNanos)
        holdStretch = requested > 0 ? actual / requested : nil
        holdOverrunP99Us = raw.holdOverrun.isEmpty ? nil : Double(raw.holdOverrun.value(atPercentile: 99)) / 1_000
        arrivals = raw.arrivals
        arrivalsWaited = raw.arrivalsWaited

        var reasons: [String] = []
        if !late.isEmpty, late.value(atPercentile: 99) > Self.timerLateLimitNanos {
            reasons.append("timer wheel p99 late by \(Self.ms(Double(late.value(atPercentile: 99)))) ms")
        }
        let holds = raw.holdOverrun.count
        if let stretch = holdStretch, holds > 0, stretch > Self.holdStretchLimit,
           (actual - requested) / Double(holds) > Self.holdExtraLimitNanos {
            reasons.append("holds ran \(Self.times(stretch))× their requested length")
        }
        if arrivals > 0, Double(arrivalsWaited) / Double(arrivals) > Self.arrivalsWaitedLimit {
            let pct = Double(arrivalsWaited) / Double(arrivals) * 100
            reasons.append("\(Self.times(pct))% of arrivals waited for a free contender (raise --contenders)")
        }
        clientBound = !reasons.isEmpty
        reason = reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    private static func ms(_ nanos: Double) -> String { times(nanos / 1e6) }

    /// Two significant figures at most, no trailing zeros: `40`, `12`, `2.5`.
    private static func times(_ x: Double) -> String {
        let rounded = x >= 10 ? x.rounded() : (x * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
