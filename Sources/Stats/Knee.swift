/// What a load must meet to count as served: p99 acquire latency within the SLO and few errors.
public struct KneeCriteria: Sendable, Hashable {
    /// The p99 acquire latency bound, µs (inclusive).
    public var sloUs: Double
    /// The error-rate bound, a fraction (inclusive): 0.01 is 1%.
    public var maxErrorRate: Double

    public init(sloUs: Double, maxErrorRate: Double = 0.01) {
        self.sloUs = sloUs
        self.maxErrorRate = maxErrorRate
    }
}

/// One load of a series, as the knee sees it: medians over the cell's complete repeats.
public struct KneePoint: Sendable, Hashable {
    /// Contenders or arrivals per second.
    public var load: Double
    /// Median p99 acquire latency, µs; `nil` when nothing was granted (which fails the SLO).
    public var p99Us: Double?
    /// Median share of attempts that ended in an error or a failed acquisition.
    public var errorRate: Double
    /// Median acquisitions per second.
    public var acquisitionsPerSecond: Double?
    /// Complete repeats behind the medians.
    public var repeats: Int

    public init(load: Double, p99Us: Double?, errorRate: Double, acquisitionsPerSecond: Double? = nil, repeats: Int = 1) {
        self.load = load
        self.p99Us = p99Us
        self.errorRate = errorRate
        self.acquisitionsPerSecond = acquisitionsPerSecond
        self.repeats = repeats
    }

    /// Whether the point meets `criteria`.
    public func passes(_ criteria: KneeCriteria) -> Bool {
        guard let p99Us else { return false }
        return p99Us <= criteria.sloUs && errorRate <= criteria.maxErrorRate
    }
}

/// Where a series stops meeting the SLO.
///
/// The knee is the highest load such that it **and every lower load** met the criteria: a capacity plan
/// cannot lean on a higher load that happened to pass after a lower one failed (on a noisy machine that
/// is usually luck), so such a load is reported beside the knee as `laterPass`, not as the knee.
public struct Knee: Sendable, Hashable {
    /// How the series relates to the SLO.
    public enum Status: String, Sendable, Hashable {
        /// Some loads pass, then one fails: `knee` is the last passing load.
        case found = "knee"
        /// Even the lowest load measured fails: the knee is below the grid.
        case noneUnderSLO = "none-under-slo"
        /// Every load passes: the knee is above the grid (`knee` is the highest load measured).
        case allUnderSLO = "all-under-slo"
        /// No complete run at any load.
        case noData = "no-data"
    }

    public var status: Status
    /// The knee's point (`nil` for `noneUnderSLO` and `noData`).
    public var knee: KneePoint?
    /// The first load that failed (`nil` for `allUnderSLO` and `noData`).
    public var firstFailing: KneePoint?
    /// A load above `firstFailing` that passed again, if any: a sign of noise worth a repeat.
    public var laterPass: KneePoint?

    /// The knee of `points` (any order; points of equal load must already be merged into medians).
    public static func find(_ points: [KneePoint], criteria: KneeCriteria) -> Knee {
        let sorted = points.sorted { $0.load < $1.load }
        guard !sorted.isEmpty else { return Knee(status: .noData) }
        guard let failIndex = sorted.firstIndex(where: { !$0.passes(criteria) }) else {
            return Knee(status: .allUnderSLO, knee: sorted.last)
        }
        let laterPass = sorted[(failIndex + 1)...].last { $0.passes(criteria) }
        if failIndex == 0 {
            return Knee(status: .noneUnderSLO, firstFailing: sorted[0], laterPass: laterPass)
        }
        return Knee(status: .found, knee: sorted[failIndex - 1], firstFailing: sorted[failIndex], laterPass: laterPass)
    }

    public init(status: Status, knee: KneePoint? = nil, firstFailing: KneePoint? = nil, laterPass: KneePoint? = nil) {
        self.status = status
        self.knee = knee
        self.firstFailing = firstFailing
        self.laterPass = laterPass
    }
}
