import Foundation
import Harness
import LoadDriver
import RedisConnection

/// What running a plan gave: the report, every run, and whether Ctrl-C cut it short.
public struct PlanOutcome: Sendable {
    public var report: ThresholdReport
    /// Every run, in the order they ran.
    public var results: [RunResult]
    /// Ctrl-C stopped it: the report covers what ran before.
    public var interrupted: Bool
    /// Each `compare:` scenario's paired ratios, in plan order (their lines are also in the report).
    public var comparisons: [ABComparison] = []
    /// Each measured scenario's rounds as the gate's samples (job 1), what a baseline stores.
    public var samples: [ScenarioSamples] = []
}

/// Runs a plan's scenarios through one harness session (embedded servers started once, for every
/// scenario without a `server`) and judges each threshold.
public enum PlanRunner {
    /// Runs `plan`. Nothing throws: a scenario that cannot be measured (its servers unreachable, the
    /// handshake refused) is reported as such, and the others still run.
    public static func run(_ plan: UserPlan, log: @escaping @Sendable (String) -> Void) async -> PlanOutcome {
        var context = ["plan: \(plan.path), \(plan.scenarios.count) scenario\(plan.scenarios.count == 1 ? "" : "s")"]
        if let path = plan.baselinePath, let baseline = plan.baseline {
            context.append(GateOutput.describe(baseline: baseline, path: path))
            context.append("regression reference: \(baseline.reference)")
        }
        let servers: ServerSet
        do { servers = try await ServerSet.start(for: plan.scenarios.filter { $0.comparison == nil }.map(\.scenario)) } catch {
            let unmeasured = plan.scenarios.map { ThresholdReport.Unmeasured(scenario: $0.name, reason: "\(error)") }
            return PlanOutcome(report: ThresholdReport(context: context, checks: [], unmeasured: unmeasured), results: [], interrupted: false)
        }
        if let fleet = servers.fleet {
            let started = "embedded: \(fleet.count) redis-server \(fleet.redisVersion) (\(fleet.endpoints.map(\.description).joined(separator: " ")))"
            log("started \(started)")
            context.append(started)
        }
        // Typed throws: open(for: []) with servers given checks no handshake, so it cannot fail here;
        // each scenario's handshake is checked by its first run, so one unreachable target spares the rest.
        let session: HarnessSession
        do { session = try await HarnessSession.open(for: [], servers: servers) } catch {
            await servers.stop()
            let unmeasured = plan.scenarios.map { ThresholdReport.Unmeasured(scenario: $0.name, reason: "\(error)") }
            return PlanOutcome(report: ThresholdReport(context: context, checks: [], unmeasured: unmeasured), results: [], interrupted: false)
        }
        var checks: [ThresholdCheck] = []
        var unmeasured: [ThresholdReport.Unmeasured] = []
        var results: [RunResult] = []
        var comparisons: [ABComparison] = []
        var samples: [ScenarioSamples] = []
        for planned in plan.scenarios {
            if session.interrupted { break }
            context.append(describe(planned))
            if let comparison = planned.comparison {
                let ab = await ABRunner.run(planned, comparison, main: session, log: log)
                results += ab.results
                checks += ab.checks
                unmeasured += ab.unmeasured
                if let measured = ab.comparison {
                    comparisons.append(measured)
                    context += measured.lines
                }
                continue
            }
            let runID = RunIdentity.makeRunID()
            let outcome = await session.rounds(
                clients: planned.clients, rounds: planned.repeats, runID: runID, prefix: "lockbench:\(runID):",
                scenario: { planned.scenario(on: $0) },
                starting: { round, kind in log("\(planned.name): \(kind), repeat \(round + 1) of \(planned.repeats)") })
            let runs = outcome.rounds.flatMap(\.results)
            results += runs
            if let error = outcome.error { unmeasured.append(.init(scenario: planned.name, reason: "\(error)")) }
            if runs.isEmpty {
                if outcome.error == nil { unmeasured.append(.init(scenario: planned.name, reason: "interrupted before its first run")) }
                continue
            }
            checks += judge(planned, runs: runs)
            let measured = PlanRegression.samples(planned, rounds: outcome.rounds)
            samples.append(measured)
            if let baseline = plan.baseline, let scenario = baseline.scenario(planned.name) {
                checks += PlanRegression.checks(baseline: baseline, scenario: scenario, current: measured)
            }
        }
        let interrupted = session.interrupted
        await session.close()
        return PlanOutcome(
            report: ThresholdReport(context: context, checks: checks, unmeasured: unmeasured), results: results, interrupted: interrupted,
            comparisons: comparisons, samples: samples)
    }

    /// Each client's runs against the built-in run check and every threshold of the scenario.
    public static func judge(_ planned: PlanScenario, runs: [RunResult]) -> [ThresholdCheck] {
        planned.clients.flatMap { kind -> [ThresholdCheck] in
            let mine = runs.filter { $0.scenario.client == kind }
            guard !mine.isEmpty else { return [] }
            return [ThresholdCheck.runCheck(runs: mine, scenario: planned.name, client: kind.rawValue)]
                + planned.thresholds.map { ThresholdCheck.judge($0.expression, runs: mine, aggregate: $0.aggregate, scenario: planned.name, client: kind.rawValue) }
        }
    }

    static func describe(_ planned: PlanScenario) -> String {
        let s = planned.scenario
        let target = s.deployment.isEmbedded ? "embedded" : "external"
        return "\(planned.name): \(s.lock.algorithm)/\(s.lock.wait.kind), \(s.contenders) contenders on \(s.keys) keys, \(target), "
            + "\(planned.repeats) × (\(s.warmupS) s warm-up + \(s.durationS) s) on \(planned.clients.map(\.rawValue).joined(separator: " and ")), \(planned.aggregate)"
    }
}
