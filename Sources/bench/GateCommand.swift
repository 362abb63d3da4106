import ArgumentParser
import Foundation
import Gate
import LoadDriver
import RedisFleet
import Reports

/// `bench gate`: hard gates, then relative gates against a committed baseline.
struct GateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Compare a measurement against a committed baseline and fail on unsafety or regressions.",
        discussion: """
            Without --current, runs the baseline's scenarios itself: per scenario, its own redis-server(s) \
            and --pairs interleaved rounds, each running the client under test (native) and the \
            reference client (hiredis) back to back, the order reversed every other round.

            Hard gates first, no statistics: a safe algorithm (setnx-px, fenced, redlock, holds shorter \
            than the TTL) with any mutual-exclusion violation, double grant, wrong-owner delete or stale \
            write; a run that did not complete; errors above --max-error-rate; Redlock TTL overruns \
            above --max-overrun-rate.

            Relative gates: throughput, acquire p50 and p99 as native/hiredis (native's figure divided \
            by hiredis's from the same round, so machine speed and noisy neighbours cancel), and each \
            client's Jain index. For each, the ratio of medians current/baseline with a seeded \
            bootstrap interval; a metric fails only when the whole interval is past its threshold in \
            the bad direction. Thresholds come from the baseline (sized from A/A runs, see \
            Results/README.md).

            --update-baseline measures --aa-jobs separate jobs of the same build, writes their pooled \
            rounds, the environment and thresholds derived from their A/A spread to --baseline.

            --plan FILE runs your scenarios and judges your thresholds instead (exit 0 all hold, 1 one \
            failed, 2 nothing could be measured, 64 the plan is invalid; see README "CI gate for your \
            lock setup").

            Exit codes: 0 every gate passed; 1 a hard gate failed or a metric regressed; 2 environment \
            error, nothing was judged (no redis-server, a server would not start or answer, a \
            missing or unreadable baseline or --current file, results without the reference client \
            for the relative gates, a debug build against a release baseline); 64 usage error; 130 interrupted.
            """
    )

    @Option(help: ArgumentHelp("Run your own plan instead: scenarios with thresholds (YAML or JSON; see README \"CI gate for your lock setup\").", valueName: "file"))
    var plan: String?

    @Option(help: ArgumentHelp("The baseline file.", valueName: "file"))
    var baseline = "Results/baseline.json"

    @Option(help: ArgumentHelp("Gate these results instead of measuring: a file from --save, or bench run --json/--csv output (hard gates only).", valueName: "file"))
    var current: String?

    @Flag(help: "Measure and write a new baseline (with its environment and A/A thresholds) to --baseline; with --plan, to the plan's baseline: file.")
    var updateBaseline = false

    @Option(help: ArgumentHelp("With --update-baseline: separate jobs measured; 2 or more give A/A thresholds.", valueName: "n"))
    var aaJobs = 3

    @Option(help: ArgumentHelp("Interleaved rounds per scenario (default: the baseline's, 5; 1 with --hard-only).", valueName: "n"))
    var pairs: Int?

    @Option(name: .customLong("scenario"), help: ArgumentHelp("Gate only this scenario of the baseline or the --plan (repeatable).", valueName: "name"))
    var scenarios: [String] = []

    @Flag(help: "Only the hard gates: one round by default, any build type, and bench run result files.")
    var hardOnly = false

    @Option(help: ArgumentHelp("Add this much to the hold of every native run (not the hiredis reference), e.g. 200us: a slowdown the gate must catch.", valueName: "time"))
    var injectDelay: String?

    @Option(help: ArgumentHelp("Add a busy-wait of this long to every acquisition of both Swift clients in the driver, e.g. 50us: a shared-path slowdown the C reference must catch.", valueName: "time", visibility: .hidden))
    var injectSharedDelay: String?

    @Option(name: .customLong("threshold"), help: ArgumentHelp("Replace a metric's threshold, e.g. throughput=0.3 (repeatable; metrics: \(GateMetric.allCases.map(\.rawValue).joined(separator: ", "))).", valueName: "metric=fraction"))
    var thresholds: [String] = []

    @Option(help: ArgumentHelp("Largest share of acquisitions ending in an error or without the lock (default: the baseline's).", valueName: "fraction"))
    var maxErrorRate: Double?

    @Option(help: ArgumentHelp("Largest share of Redlock attempts overrunning the TTL (default: the baseline's).", valueName: "fraction"))
    var maxOverrunRate: Double?

    @Option(help: ArgumentHelp("Bootstrap resamples per interval (default: the baseline's, 2000).", valueName: "n"))
    var resamples: Int?

    @Option(help: ArgumentHelp("Write what was measured (every round) as JSON, readable by --current.", valueName: "file"))
    var save: String?

    @Option(help: ArgumentHelp("Write the verdicts as JUnit XML.", valueName: "file"))
    var junit: String?

    @Option(help: ArgumentHelp("Write the verdicts as Markdown (for a pull request or a CI job summary).", valueName: "file"))
    var markdown: String?

    func validate() throws {
        if plan != nil { return try validatePlanFlags() }
        if let pairs, !(1...50).contains(pairs) { throw ValidationError("--pairs must be 1...50, not \(pairs).") }
        if let pairs, pairs < 2, !hardOnly {
            throw ValidationError("--pairs \(pairs): the relative gates need at least 2 rounds; use 2 or more, or --hard-only.")
        }
        guard (1...20).contains(aaJobs) else { throw ValidationError("--aa-jobs must be 1...20, not \(aaJobs).") }
        if current != nil && updateBaseline { throw ValidationError("--current and --update-baseline are alternatives: a baseline is always measured.") }
        if current != nil && (injectDelay != nil || injectSharedDelay != nil) { throw ValidationError("--inject-delay slows a measurement; with --current nothing is measured.") }
        if current != nil && pairs != nil { throw ValidationError("--pairs sets what is measured; with --current nothing is measured.") }
        if updateBaseline && hardOnly { throw ValidationError("--update-baseline measures the reference too; drop --hard-only.") }
        if updateBaseline && !scenarios.isEmpty { throw ValidationError("--update-baseline re-measures every scenario; drop --scenario.") }
        if updateBaseline && (injectDelay != nil || injectSharedDelay != nil) { throw ValidationError("--inject-delay would be written into the baseline; drop it.") }
        if let resamples, !(100...100_000).contains(resamples) { throw ValidationError("--resamples must be 100...100000, not \(resamples).") }
        for (flag, value) in [("--max-error-rate", maxErrorRate), ("--max-overrun-rate", maxOverrunRate)] {
            if let value, !(0...1).contains(value) { throw ValidationError("\(flag) must be a fraction in 0...1, not \(value).") }
        }
        _ = try delayUs(injectDelay, flag: "--inject-delay")
        _ = try delayUs(injectSharedDelay, flag: "--inject-shared-delay")
        _ = try thresholdOverrides()
    }

    func delayUs(_ value: String?, flag: String) throws -> Int {
        guard let value else { return 0 }
        let parsed: TimeDistribution
        do { parsed = try TimeDistribution(parsing: value) } catch { throw ValidationError("\(flag) \(error)") }
        guard case .fixed(let us) = parsed, us > 0 else {
            throw ValidationError("\(flag) '\(value)' is invalid: a single duration above 0 such as 200us is expected.")
        }
        return us
    }

    func thresholdOverrides() throws -> [GateMetric: Double] {
        var result: [GateMetric: Double] = [:]
        for text in thresholds {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let metric = GateMetric(rawValue: parts[0]) else {
                throw ValidationError("--threshold '\(text)' is invalid: use metric=fraction with a metric of \(GateMetric.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            let number = parts[1].hasSuffix("%") ? Double(parts[1].dropLast()).map { $0 / 100 } : Double(parts[1])
            guard let number, number > 0, number < 10 else {
                throw ValidationError("--threshold '\(text)' is invalid: the fraction must be above 0, e.g. 0.2 or 20%.")
            }
            result[metric] = number
        }
        return result
    }

    func run() async throws {
        if let plan { return try await runPlan(plan) }
        for path in [save, junit, markdown].compactMap({ $0 }) + (updateBaseline ? [baseline] : []) {
            if let problem = GateOutput.unwritable(path) { try fail(problem) }
        }
        if updateBaseline { return try await updateBaselineFile() }
        let base: GateBaseline
        do { base = try GateFiles.readBaseline(path: baseline) } catch { try fail("\(error)") }
        let unknown = scenarios.filter { base.scenario($0) == nil }
        guard unknown.isEmpty else {
            throw ValidationError("--scenario \(unknown.joined(separator: ", ")): not in \(baseline) (it has \(base.scenarios.map(\.name).joined(separator: ", "))).")
        }
        let options = GateOptions(
            scenarioNames: scenarios.isEmpty ? nil : scenarios, hardOnly: hardOnly, thresholdOverrides: try thresholdOverrides(),
            bounds: HardBounds(maxErrorRate: maxErrorRate ?? base.bounds.maxErrorRate, maxOverrunRate: maxOverrunRate ?? base.bounds.maxOverrunRate),
            bootstrap: BootstrapSettings(resamples: resamples ?? base.bootstrap.resamples, confidence: base.bootstrap.confidence, seed: base.bootstrap.seed))

        let input: GateInput
        var context = [GateOutput.describe(baseline: base, path: baseline)]
        if let current {
            do { input = try GateInput.load(path: current) } catch { try fail("\(error)") }
            context.append("current: \(current)" + GateOutput.describe(input))
        } else {
            if !hardOnly && base.build != buildConfiguration {
                try fail("\(baseline) was measured with a \(base.build) build and this bench is a \(buildConfiguration) build: ratios differ several-fold between them. Run a \(base.build) build (swift build -c \(base.build)) or pass --hard-only.")
            }
            let measurement = try await measure(base, options: options)
            input = .measurement(measurement)
            context.append("current: measured now, \(measurement.scenarios.first?.pairs.count ?? 0) interleaved rounds per scenario, git \(measurement.identity.gitSHA), \(measurement.build) build")
            if let save {
                do { try GateFiles.write(measurement, to: save) } catch { try fail("\(error)") }
            }
        }
        if !hardOnly {
            context.append("reference: \(base.reference); bootstrap \(options.bootstrap.resamples) resamples, \(Int(options.bootstrap.confidence * 100))% interval, seed \(options.bootstrap.seed)")
        }

        let report: GateReport
        do { report = try GateEvaluation.evaluate(baseline: base, current: input, options: options, context: context) } catch { try fail("\(error)") }
        print(report.text(), terminator: "")
        do {
            if let junit { try GateOutput.write(report.junit(), to: junit) }
            if let markdown { try GateOutput.write(report.markdown(), to: markdown) }
        } catch { try fail("\(error)") }
        if report.failed { throw ExitCode(1) }
    }

    /// Measures the selected baseline scenarios now; Ctrl-C stops and exits 130.
    func measure(_ base: GateBaseline, options: GateOptions) async throws -> GateMeasurement {
        let selected = base.scenarios.filter { options.scenarioNames?.contains($0.name) ?? true }.map(\.samples.gateScenario)
        let plan = GatePlan(
            scenarios: selected, rounds: pairs ?? (hardOnly ? 1 : base.pairs), withReference: true, withCReference: !hardOnly,
            injectDelayUs: try delayUs(injectDelay, flag: "--inject-delay"), injectSharedDelayUs: try delayUs(injectSharedDelay, flag: "--inject-shared-delay"))
        let result = try await runJobs(plan, jobs: 1)
        return GateMeasurement(
            identity: RunIdentity.current(redisVersion: result.redisVersion), build: buildConfiguration,
            command: GateOutput.commandLine(), injectedDelayUs: plan.injectDelayUs,
            injectedSharedDelayUs: plan.injectSharedDelayUs > 0 ? plan.injectSharedDelayUs : nil, scenarios: result.jobs.first ?? [])
    }

    /// `--update-baseline`: measures --aa-jobs jobs, refuses a baseline that fails a hard gate, writes it.
    func updateBaselineFile() async throws {
        let previous: GateBaseline? = FileManager.default.fileExists(atPath: baseline) ? try? GateFiles.readBaseline(path: baseline) : nil
        let gateScenarios = previous?.scenarios.map(\.samples.gateScenario) ?? DefaultScenarios.all
        let rounds = pairs ?? previous?.pairs ?? 5
        let plan = GatePlan(scenarios: gateScenarios, rounds: rounds, withReference: true)
        let result = try await runJobs(plan, jobs: aaJobs)
        let pooled = GateBaseline.pool(result.jobs)
        let bounds = HardBounds(
            maxErrorRate: maxErrorRate ?? previous?.bounds.maxErrorRate ?? HardBounds().maxErrorRate,
            maxOverrunRate: maxOverrunRate ?? previous?.bounds.maxOverrunRate ?? HardBounds().maxOverrunRate)
        let hard = HardGates.check(pooled, bounds: bounds)
        if hard.contains(where: { $0.verdict == .fail }) {
            print(GateReport(context: ["new baseline (not written)"], hard: hard, relative: []).text(), terminator: "")
            Terminal.error("bench gate: the new measurement fails a hard gate; a baseline must not. Nothing was written to \(baseline).")
            throw ExitCode(1)
        }
        let made = GateBaseline.make(
            pooled: pooled, identity: RunIdentity.current(redisVersion: result.redisVersion), command: GateOutput.commandLine(),
            pairs: rounds, bootstrap: BootstrapSettings(resamples: resamples ?? 2_000), bounds: bounds, previous: previous)
        do { try GateFiles.write(made, to: baseline) } catch { try fail("\(error)") }
        if let aa = made.aa { print(aa.text(), terminator: "") }
        print("thresholds (\(made.thresholdRule)):")
        for scenario in made.scenarios {
            let list = GateMetric.allCases.map { "\($0.rawValue) \(Int((scenario.threshold($0) * 100).rounded()))%" }
            print("  \(scenario.name): \(list.joined(separator: ", "))")
        }
        print("wrote \(baseline): \(made.scenarios.count) scenarios, \(pooled.first?.pairs.count ?? 0) rounds each, git \(made.identity.gitSHA), \(made.build) build")
    }

    /// Runs the jobs, turning an environment failure into exit 2 and Ctrl-C into 130.
    func runJobs(_ plan: GatePlan, jobs: Int) async throws -> GateJobResult {
        let result: GateJobResult
        do { result = try await GateJob.run(plan, jobs: jobs) { Terminal.note($0) } } catch { try fail("\(error)") }
        if result.interrupted {
            Terminal.error("bench gate: interrupted; nothing was judged or written.")
            throw ExitCode(130)
        }
        return result
    }

    func fail(_ message: String) throws -> Never {
        throw Terminal.environmentError("gate", message)
    }
}
