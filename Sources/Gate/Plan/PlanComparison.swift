import LoadDriver

/// A scenario's `compare:` block: the same scenario run on two sides that differ in one thing (the
/// target, a setting, the embedded servers' `redis.conf`), in interleaved rounds of one job, judged
/// by the paired ratio B/A of each metric. README "CI gate for your lock setup" has the format.
public struct PlanComparison: Sendable {
    /// Side A (the reference) and side B (the change), in that order.
    public var sides: [PlanSide]
    /// The metrics whose B/A ratio every report shows.
    public var metrics: [String]
    /// Thresholds on the B/A ratio, e.g. `ratio(acquisitions_per_s) >= 0.8`.
    public var thresholds: [RatioThreshold]

    /// Shown when a plan names no `metrics:`: throughput and the acquire latency users gate on.
    public static let defaultMetrics = ["acquisitions_per_s", "acquire_p50_us", "acquire_p99_us"]

    /// Whether a larger value of `metric` is the better one (throughput, fairness); otherwise it is a
    /// latency or a count, and larger is worse. Decides which side a ratio calls slower.
    public static func higherIsBetter(_ metric: String) -> Bool {
        metric.hasSuffix("_per_s") || metric == "jain" || metric == "acquisitions" || metric == "releases"
    }
}

/// One side of an A/B comparison.
public struct PlanSide: Sendable {
    /// `A` or `B` unless the plan gives a label, e.g. `aof-always`.
    public var label: String
    /// The scenario with the side's settings over the scenario's own.
    public var scenario: Scenario
    /// `redis.conf` directives for this side's own embedded servers (allowlisted by `ServerConfigKeys`).
    public var serverConfig: [(name: String, value: String)]
}

/// A threshold on the B/A ratio of one metric: `ratio(acquisitions_per_s) >= 0.8` holds when B keeps
/// at least 80% of A's throughput. Judged on the median of the paired ratios.
public struct RatioThreshold: Sendable, Hashable {
    public var metric: String
    public var comparison: ThresholdExpression.Comparison
    public var bound: Double
    /// As the user wrote it.
    public var text: String
}
