/// Order statistics of small samples: repeats of a cell, rounds of a gate, paired ratios, the latencies
/// of one chaos phase. HDR histograms answer their own percentiles (`ClampingHistogram`); these are for
/// plain arrays of values.
public enum Statistics {
    /// The `percent` (0...100) percentile by linear interpolation between the two closest ranks: the
    /// value at rank `percent/100 · (n − 1)` of the sorted values (Hyndman and Fan's type 7, the default
    /// of R, NumPy and spreadsheets' PERCENTILE.INC). `nil` for no values.
    ///
    /// Interpolated, not nearest-rank: with the 5 to 20 repeats a sweep or gate has, nearest-rank jumps
    /// a whole sample when `percent` moves a little, and it would make the 50th percentile of an even
    /// count differ from the median. With this rule the median *is* `percentile(values, 50)`, 0 is the
    /// minimum and 100 the maximum.
    public static func percentile(_ values: [Double], _ percent: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        return percentile(sorted: values.sorted(), percent)
    }

    /// `percentile(_:_:)` of values already sorted ascending, for callers that read several percentiles
    /// of one sample.
    public static func percentile(sorted: [Double], _ percent: Double) -> Double? {
        precondition((0...100).contains(percent), "percentile \(percent) is outside 0...100")
        guard !sorted.isEmpty else { return nil }
        let position = percent / 100 * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let fraction = position - Double(lower)
        guard fraction > 0, lower + 1 < sorted.count else { return sorted[lower] }
        // Weighted sum rather than `a + (b − a)·f`: at f = ½ it rounds exactly like `(a + b) / 2`, so the
        // median of an even count is the mean of the middle two to the last bit.
        return sorted[lower] * (1 - fraction) + sorted[lower + 1] * fraction
    }

    /// The median: the mean of the middle two values for an even count; `nil` for no values.
    public static func median(_ values: [Double]) -> Double? {
        percentile(values, 50)
    }

    /// The element whose `key` is the median, the lower middle one for an even count; `nil` for none.
    /// For picking a whole run to stand for its repeats (its histograms, its grants): an interpolated
    /// median would be a figure no run had.
    public static func medianElement<Element>(_ elements: [Element], by key: (Element) -> Double) -> Element? {
        guard !elements.isEmpty else { return nil }
        let sorted = elements.sorted { key($0) < key($1) }
        return sorted[(sorted.count - 1) / 2]
    }

    /// `a / b` of two figures of one pair (two clients, or a run and its reference, measured together);
    /// `nil` when either is missing or not finite, or `b` is 0.
    public static func ratio(_ a: Double?, _ b: Double?) -> Double? {
        guard let a, let b, b != 0, a.isFinite, b.isFinite else { return nil }
        return a / b
    }
}
