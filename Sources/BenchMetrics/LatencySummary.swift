/// The percentiles every output reports for one latency kind, in microseconds.
public struct LatencySummary: Codable, Sendable, Hashable {
    /// Samples.
    public var count: UInt64
    /// Median, µs.
    public var p50Us: Double
    /// 90th percentile, µs.
    public var p90Us: Double
    /// 99th percentile, µs.
    public var p99Us: Double
    /// 99.9th percentile, µs.
    public var p999Us: Double
    /// Largest sample (exact), µs.
    public var maxUs: Double
    /// Smallest sample, µs.
    public var minUs: Double
    /// Mean, µs.
    public var meanUs: Double

    /// Summarises a histogram of nanoseconds; `nil` when it is empty, so an absent figure is never
    /// reported as a zero latency.
    public init?(nanos histogram: ClampingHistogram) {
        guard !histogram.isEmpty else { return nil }
        func us(_ ns: UInt64) -> Double { Double(ns) / 1_000 }
        count = histogram.count
        p50Us = us(histogram.value(atPercentile: 50))
        p90Us = us(histogram.value(atPercentile: 90))
        p99Us = us(histogram.value(atPercentile: 99))
        p999Us = us(histogram.value(atPercentile: 99.9))
        maxUs = us(histogram.max)
        minUs = us(histogram.min)
        meanUs = histogram.mean / 1_000
    }
}

/// Attempts per granted acquisition.
public struct AttemptsSummary: Codable, Sendable, Hashable {
    /// Mean attempts.
    public var mean: Double
    /// Median attempts.
    public var p50: UInt64
    /// 99th percentile of attempts.
    public var p99: UInt64
    /// Most attempts one acquisition needed.
    public var max: UInt64

    /// Summarises a histogram of attempt counts; `nil` when empty.
    public init?(_ histogram: ClampingHistogram) {
        guard !histogram.isEmpty else { return nil }
        mean = histogram.mean
        p50 = histogram.value(atPercentile: 50)
        p99 = histogram.value(atPercentile: 99)
        max = histogram.max
    }
}
