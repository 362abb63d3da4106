import Stats

/// One relative-gate row: a metric of one scenario and client, baseline against current.
public struct MetricComparison: Codable, Sendable, Hashable {
    /// Scenario name.
    public var scenario: String
    /// What the metric is of: `native/hiredis` for a client ratio, a client's name for Jain.
    public var client: String
    public var metric: GateMetric
    /// Median of the baseline's values (per-round client ratios, or Jain as measured).
    public var baseline: Double?
    /// Median of the current values.
    public var current: Double?
    /// current / baseline.
    public var ratio: Double?
    /// Bootstrap interval of the ratio.
    public var interval: Interval?
    /// The threshold (fraction) the interval is held to.
    public var threshold: Double
    /// Rounds on each side.
    public var baselineRounds: Int
    /// Rounds measured now.
    public var currentRounds: Int
    public var verdict: Verdict
    /// Why a row was skipped.
    public var note: String?
}

/// The relative gates: each metric as a ratio of medians against the baseline, with a bootstrap
/// interval, failed only when the whole interval is past the threshold in the bad direction.
public enum RelativeGates {
    /// Compares every client and metric of `current` with the baseline scenario of the same name;
    /// `subjects` chooses what each metric is of (default `ScenarioSamples.subjects`: the client ratios).
    public static func compare(
        baseline: BaselineScenario, current: ScenarioSamples, bootstrap: BootstrapSettings,
        overrides: [GateMetric: Double] = [:], subjects: (@Sendable (ScenarioSamples, GateMetric) -> [String])? = nil
    ) -> [MetricComparison] {
        var rows: [MetricComparison] = []
        for metric in GateMetric.allCases {
            for client in subjects?(baseline.samples, metric) ?? baseline.samples.subjects(metric) {
                let threshold = overrides[metric] ?? baseline.threshold(metric, subject: client)
                let b = baseline.samples.values(metric, subject: client)
                let c = current.values(metric, subject: client)
                var row = MetricComparison(
                    scenario: baseline.name, client: client, metric: metric, baseline: Statistics.median(b),
                    current: Statistics.median(c), ratio: nil, interval: nil, threshold: threshold,
                    baselineRounds: b.count, currentRounds: c.count, verdict: .skipped, note: nil)
                if threshold > GateMetric.widestGatedThreshold, let result = bootstrap.ratioOfMedians(current: c, baseline: b) {
                    row.ratio = result.ratio
                    row.interval = result.interval
                    row.note = "not gated: the A/A spread puts its threshold past \(Int(GateMetric.widestGatedThreshold * 100))%, where no plausible regression fails"
                } else if b.count < 2 || c.count < 2 {
                    row.note = c.isEmpty && b.isEmpty ? "no values" : "needs at least 2 rounds on each side (baseline \(b.count), current \(c.count))"
                } else if let result = bootstrap.ratioOfMedians(current: c, baseline: b) {
                    row.ratio = result.ratio
                    row.interval = result.interval
                    row.verdict = Verdict.relative(interval: result.interval, threshold: threshold, higherIsBetter: metric.higherIsBetter)
                } else {
                    row.note = "baseline median is 0"
                }
                rows.append(row)
            }
        }
        return rows
    }
}
