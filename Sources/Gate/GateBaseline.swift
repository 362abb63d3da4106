import LoadDriver
import Reports

/// Limits the hard gates apply: exceeding one fails the gate whatever the relative gates say.
public struct HardBounds: Codable, Sendable, Hashable {
    /// Largest share of acquisitions that may end in an error or without the lock.
    public var maxErrorRate: Double
    /// Largest share of Redlock attempts that may reach quorum with no validity left.
    public var maxOverrunRate: Double

    /// Bounds with the given values: by default 0.1% errors and no overrun at all (the gate's scenarios
    /// use a 10 s TTL, so any overrun means acquisition stalled for seconds).
    public init(maxErrorRate: Double = 0.001, maxOverrunRate: Double = 0) {
        self.maxErrorRate = maxErrorRate
        self.maxOverrunRate = maxOverrunRate
    }
}

/// How confidence intervals are computed.
public struct BootstrapSettings: Codable, Sendable, Hashable {
    /// Resamples per interval.
    public var resamples: Int
    /// Two-sided confidence level, e.g. 0.95.
    public var confidence: Double
    /// Seed, so an interval computed twice from the same samples is the same.
    public var seed: UInt64

    /// Settings with the given values (2,000 resamples, 95%, seed 1 by default).
    public init(resamples: Int = 2_000, confidence: Double = 0.95, seed: UInt64 = 1) {
        self.resamples = resamples
        self.confidence = confidence
        self.seed = seed
    }
}

/// One baseline scenario: its rounds and the thresholds its metrics are held to.
public struct BaselineScenario: Codable, Sendable, Hashable {
    /// The scenario and its rounds.
    public var samples: ScenarioSamples
    /// Per metric (`throughput`, `acquire-p50`, ...): the largest change, as a fraction of the
    /// baseline, that is still noise, over every subject; per subject and metric
    /// (`native/c-reference throughput`) the subject's own. A metric fails only when its whole interval
    /// lies beyond it, and is not gated at all when it is wider than `GateMetric.widestGatedThreshold`.
    public var thresholds: [String: Double]

    /// A scenario with its thresholds.
    public init(samples: ScenarioSamples, thresholds: [String: Double]) {
        self.samples = samples
        self.thresholds = thresholds
    }

    /// The scenario's name.
    public var name: String { samples.name }

    /// The threshold of `metric`, or the fallback when the file has none for it: the largest over the
    /// metric's subjects.
    public func threshold(_ metric: GateMetric) -> Double {
        thresholds[metric.rawValue] ?? GateBaseline.fallbackThreshold
    }

    /// The threshold of `metric` for one subject (`native/c-reference`): its own A/A spread where the
    /// file has one (`"native/c-reference throughput"`), else the metric's.
    public func threshold(_ metric: GateMetric, subject: String) -> Double {
        thresholds[Self.key(metric, subject: subject)] ?? threshold(metric)
    }

    /// The key of a subject's own threshold.
    public static func key(_ metric: GateMetric, subject: String) -> String { "\(subject) \(metric.rawValue)" }
}

/// `Results/baseline.json`: what the gate compares against, where it was measured, and the A/A noise
/// its thresholds were sized from.
public struct GateBaseline: Codable, Sendable {
    /// `lockbench-gate-baseline/1`.
    public var format: String
    /// Where, when and from which code the baseline was measured.
    public var identity: RunIdentity
    /// `release` or `debug`.
    public var build: String
    /// The command that measured it.
    public var command: String
    /// The reference load, as run (`redis-benchmark ...`).
    public var reference: String
    /// Interleaved rounds a gate run measures by default.
    public var pairs: Int
    /// Confidence interval settings.
    public var bootstrap: BootstrapSettings
    /// Hard-gate limits.
    public var bounds: HardBounds
    /// How the thresholds were derived from the A/A spread, in words.
    public var thresholdRule: String
    /// The A/A measurement the thresholds come from (`nil` when measured as a single job).
    public var aa: AASpread?
    /// The scenarios, their rounds (all jobs pooled) and thresholds.
    public var scenarios: [BaselineScenario]

    /// This format's name.
    public static let formatName = "lockbench-gate-baseline/1"
    /// A threshold for a metric the file does not list.
    public static let fallbackThreshold = 0.25

    public init(
        identity: RunIdentity, build: String, command: String, reference: String, pairs: Int,
        bootstrap: BootstrapSettings, bounds: HardBounds, thresholdRule: String, aa: AASpread?, scenarios: [BaselineScenario]
    ) {
        format = Self.formatName
        self.identity = identity
        self.build = build
        self.command = command
        self.reference = reference
        self.pairs = pairs
        self.bootstrap = bootstrap
        self.bounds = bounds
        self.thresholdRule = thresholdRule
        self.aa = aa
        self.scenarios = scenarios
    }

    /// The scenario named `name`.
    public func scenario(_ name: String) -> BaselineScenario? { scenarios.first { $0.name == name } }
}
