import Foundation
import Stats

/// How far one build's figures move against themselves (an A/A comparison): several jobs of the same
/// binary, each starting its own servers, compared job against job. The thresholds are sized from it,
/// because a fixed limit tighter than the A/A spread fails pull requests that changed nothing.
public struct AASpread: Codable, Sendable, Hashable {
    /// Separate jobs measured.
    public var jobs: Int
    /// Interleaved rounds per job.
    public var pairsPerJob: Int
    /// One entry per scenario, client and metric.
    public var entries: [AAEntry]

    public init(jobs: Int, pairsPerJob: Int, entries: [AAEntry]) {
        self.jobs = jobs
        self.pairsPerJob = pairsPerJob
        self.entries = entries
    }
}

/// The A/A figures of one scenario, client and metric.
public struct AAEntry: Codable, Sendable, Hashable {
    /// Scenario name.
    public var scenario: String
    /// What the metric is of: `native/hiredis` for a client ratio, a client's name for Jain.
    public var client: String
    /// Metric name.
    public var metric: String
    /// Each job's median of the metric (a client ratio per round, or Jain as measured).
    public var jobMedians: [Double]
    /// The largest difference between two jobs' medians, as a fraction (symmetric: a ratio r and 1/r
    /// count the same): what a gate run of the same build could show by chance.
    public var maxJobDeviation: Double
    /// Round-to-round noise: (p90 − p10) / median over every round of every job.
    public var roundSpread: Double
    /// The same job medians without dividing by the reference client (raw acquisitions/s, µs, index).
    public var rawJobMedians: [Double]
    /// `maxJobDeviation` of the raw figures: what dividing by the reference client saves.
    public var rawMaxJobDeviation: Double
    /// Job-against-job comparisons whose whole bootstrap interval lay beyond the threshold chosen: the
    /// A/A false alarms the gate would have raised (should be 0).
    public var falseAlarms: Int
    /// Job-against-job comparisons made.
    public var comparisons: Int

    public init(
        scenario: String, client: String, metric: String, jobMedians: [Double], maxJobDeviation: Double, roundSpread: Double,
        rawJobMedians: [Double], rawMaxJobDeviation: Double, falseAlarms: Int = 0, comparisons: Int = 0
    ) {
        self.scenario = scenario
        self.client = client
        self.metric = metric
        self.jobMedians = jobMedians
        self.maxJobDeviation = maxJobDeviation
        self.roundSpread = roundSpread
        self.rawJobMedians = rawJobMedians
        self.rawMaxJobDeviation = rawMaxJobDeviation
        self.falseAlarms = falseAlarms
        self.comparisons = comparisons
    }
}

/// Derives the A/A spread and the thresholds from rounds measured in several jobs.
public enum AAAnalysis {
    /// The rule, in the words written into the baseline and the README.
    public static let rule =
        "threshold = max(floor, 2 × largest A/A job-to-job deviation, rounded up to 5%) per subject; floor 10% (5% for jain); "
        + "a threshold above 100% is not gated"

    /// The threshold the rule gives for a largest A/A deviation.
    public static func threshold(metric: GateMetric, maxDeviation: Double) -> Double {
        let floor = metric == .jain ? 0.05 : 0.10
        let scaled = (2 * maxDeviation * 20).rounded(.up) / 20
        return max(floor, scaled)
    }

    /// `|ln(a/b)|` turned back into a fraction: 0.25 for both 1.25 and 0.8.
    public static func deviation(_ a: Double, _ b: Double) -> Double {
        guard a > 0, b > 0 else { return .infinity }
        return exp(abs(log(a / b))) - 1
    }

    /// The spread of every scenario, client and metric in `samples` (rounds tagged with their job),
    /// and per scenario the thresholds: each subject's own, and per metric the largest over its subjects.
    /// `subjects` chooses what each metric is of (default `ScenarioSamples.subjects`: the client ratios).
    public static func analyse(
        _ samples: [ScenarioSamples], bootstrap: BootstrapSettings,
        subjects: (@Sendable (ScenarioSamples, GateMetric) -> [String])? = nil
    ) -> (spread: AASpread, thresholds: [String: [String: Double]]) {
        var entries: [AAEntry] = []
        var thresholds: [String: [String: Double]] = [:]
        let jobs = Set(samples.flatMap { $0.pairs.map(\.job) }).sorted()
        var perJob = 0
        for scenario in samples {
            perJob = max(perJob, jobs.map { job in scenario.pairs.filter { $0.job == job }.count }.max() ?? 0)
            for metric in GateMetric.allCases {
                var worst = 0.0
                for client in subjects?(scenario, metric) ?? scenario.subjects(metric) {
                    guard let entry = entry(scenario, client: client, metric: metric, jobs: jobs) else { continue }
                    let own = threshold(metric: metric, maxDeviation: entry.maxJobDeviation)
                    worst = max(worst, own)
                    thresholds[scenario.name, default: [:]][BaselineScenario.key(metric, subject: client)] = own
                    entries.append(entry)
                }
                thresholds[scenario.name, default: [:]][metric.rawValue] = worst > 0 ? worst : nil
            }
        }
        // False alarms are counted against the threshold finally chosen for the scenario.
        for index in entries.indices {
            let entry = entries[index]
            guard let scenario = samples.first(where: { $0.name == entry.scenario }),
                  let metric = GateMetric(rawValue: entry.metric),
                  let t = thresholds[entry.scenario]?[BaselineScenario.key(metric, subject: entry.client)] else { continue }
            let (alarms, comparisons) = falseAlarms(scenario, client: entry.client, metric: metric, jobs: jobs, threshold: t, bootstrap: bootstrap)
            entries[index].falseAlarms = alarms
            entries[index].comparisons = comparisons
        }
        return (AASpread(jobs: jobs.count, pairsPerJob: perJob, entries: entries), thresholds)
    }

    static func entry(_ scenario: ScenarioSamples, client: String, metric: GateMetric, jobs: [Int]) -> AAEntry? {
        func jobValues(_ job: Int, raw: Bool) -> [Double] {
            let rounds = ScenarioSamples(gateScenario: scenario.gateScenario, pairs: scenario.pairs.filter { $0.job == job })
            return raw ? rounds.rawValues(metric, subject: client) : rounds.values(metric, subject: client)
        }
        let medians = jobs.compactMap { Statistics.median(jobValues($0, raw: false)) }
        let rawMedians = jobs.compactMap { Statistics.median(jobValues($0, raw: true)) }
        guard !medians.isEmpty else { return nil }
        let pooled = scenario.values(metric, subject: client).sorted()
        let spread: Double
        if let mid = Statistics.median(pooled), mid > 0, pooled.count >= 2,
           let p90 = Statistics.percentile(sorted: pooled, 90), let p10 = Statistics.percentile(sorted: pooled, 10) {
            spread = (p90 - p10) / mid
        } else {
            spread = 0
        }
        return AAEntry(
            scenario: scenario.name, client: client, metric: metric.rawValue, jobMedians: medians,
            maxJobDeviation: maxDeviation(medians), roundSpread: spread, rawJobMedians: rawMedians,
            rawMaxJobDeviation: maxDeviation(rawMedians))
    }

    static func maxDeviation(_ values: [Double]) -> Double {
        var worst = 0.0
        for i in values.indices {
            for j in values.indices where j > i { worst = max(worst, deviation(values[i], values[j])) }
        }
        return worst
    }

    static func falseAlarms(
        _ scenario: ScenarioSamples, client: String, metric: GateMetric, jobs: [Int], threshold: Double, bootstrap: BootstrapSettings
    ) -> (Int, Int) {
        let perJob = jobs.map { job in
            ScenarioSamples(gateScenario: scenario.gateScenario, pairs: scenario.pairs.filter { $0.job == job }).values(metric, subject: client)
        }
        var alarms = 0
        var comparisons = 0
        for i in perJob.indices {
            for j in perJob.indices where j != i {
                guard let result = bootstrap.ratioOfMedians(current: perJob[j], baseline: perJob[i]) else { continue }
                comparisons += 1
                if Verdict.relative(interval: result.interval, threshold: threshold, higherIsBetter: metric.higherIsBetter) == .regression {
                    alarms += 1
                }
            }
        }
        return (alarms, comparisons)
    }
}
