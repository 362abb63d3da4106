/// A two-sided interval, e.g. a 95% bootstrap confidence interval of a ratio.
public struct Interval: Codable, Sendable, Hashable {
    public var lower: Double
    public var upper: Double

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// Whether `value` lies inside, bounds included.
    public func contains(_ value: Double) -> Bool { lower <= value && value <= upper }
}

/// Percentile bootstrap of the ratio of two medians.
///
/// Medians, not means: one round that a noisy neighbour stalled moves a mean by its whole excess and a
/// median of five not at all. Percentile intervals, not a normal approximation: with five to twenty
/// samples the ratio's distribution is skewed and lumpy, and the percentiles follow it as it is.
public enum Bootstrap {
    /// median(current) / median(baseline) and its `confidence` interval from `resamples` resamples of
    /// each sample set (drawn independently, with replacement, from `generator`). `nil` when a set has
    /// no finite value or the baseline's median is 0.
    ///
    /// Pass a freshly seeded generator per call when the interval must not change from one reading of
    /// the same samples to the next (a CI verdict must not flip through noise of our own making).
    public static func ratioOfMedians(
        current: [Double], baseline: [Double], resamples: Int = 2_000, confidence: Double = 0.95,
        using generator: inout some RandomNumberGenerator
    ) -> (ratio: Double, interval: Interval)? {
        let current = current.filter(\.isFinite)
        let baseline = baseline.filter(\.isFinite)
        guard let mc = Statistics.median(current), let mb = Statistics.median(baseline), mb != 0 else { return nil }
        var ratios: [Double] = []
        ratios.reserveCapacity(max(resamples, 1))
        var scratchC = current
        var scratchB = baseline
        for _ in 0..<max(resamples, 1) {
            for i in scratchC.indices { scratchC[i] = current[Int(generator.next() % UInt64(current.count))] }
            for i in scratchB.indices { scratchB[i] = baseline[Int(generator.next() % UInt64(baseline.count))] }
            // A resampled baseline median of 0 (possible only when most samples are 0) has no ratio.
            if let rc = Statistics.median(scratchC), let rb = Statistics.median(scratchB), rb != 0 { ratios.append(rc / rb) }
        }
        ratios.sort()
        let tail = (1 - confidence) / 2 * 100
        guard let lower = Statistics.percentile(sorted: ratios, tail),
              let upper = Statistics.percentile(sorted: ratios, 100 - tail) else { return nil }
        return (mc / mb, Interval(lower: lower, upper: upper))
    }
}
