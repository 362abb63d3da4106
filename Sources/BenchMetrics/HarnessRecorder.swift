/// What the harness itself did during the window, recorded beside the lock figures so a run limited by
/// lockbench (a saturated client: late timers, stretched holds, arrivals with no free contender) can be
/// told apart from one limited by Redis. One per queue, mutated only there, merged at the end.
public struct HarnessRecorder: Codable, Sendable, Equatable {
    /// How late the driver's own timers (hold ends, think times, error backoffs, open-loop arrival
    /// ticks) ran after they were due, ns. Includes the wheel's rounding up to its next tick.
    public internal(set) var timerLateness = ClampingHistogram()
    /// Per hold: how much longer the holder kept the lock than the hold it drew, ns.
    public internal(set) var holdOverrun = ClampingHistogram()
    /// Summed requested hold of the holds in `holdOverrun`, ns.
    public internal(set) var requestedHoldNanos: UInt64 = 0
    /// Summed actual hold (grant → release started) of the same holds, ns.
    public internal(set) var actualHoldNanos: UInt64 = 0
    /// Open loop: arrivals due in the window.
    public internal(set) var arrivals = 0
    /// Open loop: arrivals that found no idle contender and waited for one (k6's `dropped_iterations`,
    /// except that here they still run, late, and their corrected latency shows the wait).
    public internal(set) var arrivalsWaited = 0

    /// Nothing recorded.
    public init() {}

    /// A driver timer that ran `lateNanos` after its deadline.
    @inline(__always)
    public mutating func recordTimer(lateNanos: UInt64) { timerLateness.record(lateNanos) }

    /// A hold of `requestedNanos` that actually lasted `actualNanos`.
    @inline(__always)
    public mutating func recordHold(requestedNanos: UInt64, actualNanos: UInt64) {
        requestedHoldNanos &+= requestedNanos
        actualHoldNanos &+= actualNanos
        holdOverrun.record(actualNanos > requestedNanos ? actualNanos - requestedNanos : 0)
    }

    /// An open-loop arrival; `waited` when no contender was free to start it.
    @inline(__always)
    public mutating func recordArrival(waited: Bool) {
        arrivals &+= 1
        if waited { arrivalsWaited &+= 1 }
    }

    /// Adds another queue's figures.
    public mutating func merge(_ other: HarnessRecorder) {
        timerLateness.merge(other.timerLateness)
        holdOverrun.merge(other.holdOverrun)
        requestedHoldNanos &+= other.requestedHoldNanos
        actualHoldNanos &+= other.actualHoldNanos
        arrivals += other.arrivals
        arrivalsWaited += other.arrivalsWaited
    }
}
