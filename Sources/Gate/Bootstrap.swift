import Locks

/// A two-sided interval, e.g. a 95% bootstrap confidence interval of a ratio.
public struct Interval: Codable, Sendable, Hashable {
    /// Lower bound.
    public var lower: Double
    /// Upper bound.
    public var upper: Double

    /// An interval from `lower` to `upper`.
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
    /// The median (mean of the middle two for an even count); `nil` when empty.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// median(current) / median(baseline) and its `confidence` interval from `resamples` resamples of
    /// each sample set (drawn independently, with replacement). `nil` when a set is empty or a median
    /// of the baseline is 0.
    public static func ratioOfMedians(
        current: [Double], baseline: [Double], resamples: Int = 2_000, confidence: Double = 0.95, seed: UInt64 = 1
    ) -> (ratio: Double, interval: Interval)? {
        let current = current.filter(\.isFinite)
        let baseline = baseline.filter(\.isFinite)
        guard let mc = median(current), let mb = median(baseline), mb != 0 else { return nil }
        // Seeded: the same samples give the same interval every time, so re-reading a file cannot
        // change a verdict through noise of our own making.
        var rng = SplitMix64(seed: seed)
        var ratios: [Double] = []
        ratios.reserveCapacity(max(resamples, 1))
        var scratchC = current
        var scratchB = baseline
        for _ in 0..<max(resamples, 1) {
            for i in scratchC.indices { scratchC[i] = current[Int(rng.next() % UInt64(current.count))] }
            for i in scratchB.indices { scratchB[i] = baseline[Int(rng.next() % UInt64(baseline.count))] }
            // A resampled baseline median of 0 (possible only when most samples are 0) has no ratio.
            if let rc = median(scratchC), let rb = median(scratchB), rb != 0 { ratios.append(rc / rb) }
        }
        guard !ratios.isEmpty else { return nil }
        ratios.sort()
        let alpha = (1 - confidence) / 2
        return (mc / mb, Interval(lower: percentile(ratios, alpha), upper: percentile(ratios, 1 - alpha)))
    }

    /// The `q` quantile (0...1) of sorted values, by linear interpolation between closest ranks.
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let lo = Int(position.rounded(.down))
        let hi = min(lo + 1, sorted.count - 1)
        let fraction = position - Double(lo)
        return sorted[lo] + (sorted[hi] - sorted[lo]) * fraction
    }
}
