import LoadDriver
import Reports

/// How a gate run judges what it measured or read.
public struct GateOptions: Sendable {
    /// Baseline scenarios to gate on (`nil`: all).
    public var scenarioNames: [String]?
    /// Only the hard gates: no reference is needed, and the build type does not matter.
    public var hardOnly: Bool
    /// Per-metric thresholds replacing the baseline's.
    public var thresholdOverrides: [GateMetric: Double]
    /// Hard-gate limits.
    public var bounds: HardBounds
    /// Confidence interval settings.
    public var bootstrap: BootstrapSettings

    public init(
        scenarioNames: [String]? = nil, hardOnly: Bool = false, thresholdOverrides: [GateMetric: Double] = [:],
        bounds: HardBounds = HardBounds(), bootstrap: BootstrapSettings = BootstrapSettings()
    ) {
        self.scenarioNames = scenarioNames
        self.hardOnly = hardOnly
        self.thresholdOverrides = thresholdOverrides
        self.bounds = bounds
        self.bootstrap = bootstrap
    }
}

/// Turns a baseline and a current measurement into a report.
public enum GateEvaluation {
    /// Judges `current` against `baseline`. Throws when the input cannot be gated as asked (rows
    /// without a reference for the relative gates, a scenario missing, a different build type): the
    /// gate could not measure, which is never a pass.
    public static func evaluate(
        baseline: GateBaseline, current: GateInput, options: GateOptions, context: [String]
    ) throws(GateEnvironmentError) -> GateReport {
        switch current {
        case .rows(let rows):
            guard options.hardOnly else {
                throw GateEnvironmentError(
                    "these results carry no interleaved rounds of the reference client, so the relative gates cannot be computed: "
                    + "pass --hard-only to gate on safety, errors and overruns alone, or give a file written by `bench gate --save`")
            }
            let hard = rows.flatMap { HardGates.check(scenario: $0.label, client: $0.figures.client, runs: [$0.figures], bounds: options.bounds) }
            return GateReport(context: context, notes: [], hard: hard, relative: [])
        case .measurement(let measurement):
            return try evaluate(baseline: baseline, measurement: measurement, options: options, context: context)
        }
    }

    static func evaluate(
        baseline: GateBaseline, measurement: GateMeasurement, options: GateOptions, context: [String]
    ) throws(GateEnvironmentError) -> GateReport {
        if !options.hardOnly && measurement.build != baseline.build {
            throw GateEnvironmentError(
                "the baseline was measured with a \(baseline.build) build and this measurement with a \(measurement.build) build; "
                + "their ratios differ several-fold. Build with `swift build -c \(baseline.build)` or pass --hard-only")
        }
        let selected = baseline.scenarios.filter { options.scenarioNames?.contains($0.name) ?? true }
        var hard: [HardCheck] = []
        var relative: [MetricComparison] = []
        for scenario in selected {
            guard let samples = measurement.scenarios.first(where: { $0.name == scenario.name }), !samples.pairs.isEmpty else {
                throw GateEnvironmentError("no rounds of scenario '\(scenario.name)' were measured; it cannot be gated")
            }
            hard += HardGates.check([samples], bounds: options.bounds)
            guard !options.hardOnly else { continue }
            guard samples.hasReference else {
                throw GateEnvironmentError("scenario '\(scenario.name)' was measured without the reference client in every round; the relative gates need it (or pass --hard-only)")
            }
            relative += RelativeGates.compare(
                baseline: scenario, current: samples, bootstrap: options.bootstrap, overrides: options.thresholdOverrides)
        }
        return GateReport(context: context, notes: notes(baseline.identity, measurement), hard: hard, relative: relative)
    }

    /// Differences between where the baseline and the current figures were measured. Ratios to a
    /// same-job reference travel between machines far better than raw figures, but not perfectly.
    static func notes(_ base: RunIdentity, _ measurement: GateMeasurement) -> [String] {
        let now = measurement.identity
        var notes: [String] = []
        if measurement.injectedDelayUs > 0 {
            notes.append("an artificial delay of \(measurement.injectedDelayUs) µs was added to the hold of every run of the client under test (--inject-delay): this run is meant to fail")
        }
        if let shared = measurement.injectedSharedDelayUs, shared > 0 {
            notes.append("an artificial busy-wait of \(shared) µs was added to every acquisition of every Swift client in the driver (--inject-shared-delay): native/hiredis cancels it, native/c-reference must not; this run is meant to fail")
        }
        if base.cores != now.cores { notes.append("the baseline had \(base.cores) cores, this machine has \(now.cores)") }
        if base.redisVersion != now.redisVersion { notes.append("redis-server \(base.redisVersion) in the baseline, \(now.redisVersion) now") }
        if base.host != now.host { notes.append("the baseline was measured on \(base.host), this is \(now.host)") }
        if base.swiftVersion != now.swiftVersion { notes.append("Swift \(base.swiftVersion) in the baseline, \(now.swiftVersion) now") }
        return notes
    }
}
