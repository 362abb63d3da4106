import Foundation
import LoadDriver

/// `bench gate --plan FILE --update-baseline`: the plan's scenarios measured in several A/A jobs (each
/// its own servers, so the spread includes a fresh start), pooled, with thresholds from their spread.
public enum PlanBaselineUpdate {
    /// What the update measured, or why nothing may be written.
    public struct Outcome: Sendable {
        public var baseline: GateBaseline?
        /// Why no baseline may be written: a scenario not measured, a run that failed its run check.
        public var refusal: String?
        public var interrupted: Bool
    }

    /// Runs `plan`'s scenarios (not its `compare:` ones: their reference is in the job) `jobs` times.
    public static func measure(_ plan: UserPlan, jobs: Int, command: String, log: @escaping @Sendable (String) -> Void) async -> Outcome {
        var plan = plan
        let previous = plan.baseline
        // The old baseline is what is being replaced: no regression check against it while measuring.
        plan.baseline = nil
        plan.scenarios = plan.scenarios.filter { $0.comparison == nil }
        guard !plan.scenarios.isEmpty else {
            return Outcome(baseline: nil, refusal: "the plan has only compare: scenarios, whose reference is measured in the same job: there is nothing to put in a baseline", interrupted: false)
        }
        var measured: [[ScenarioSamples]] = []
        var version = "unknown"
        for job in 1...max(jobs, 1) {
            log("A/A job \(job) of \(jobs)")
            let outcome = await PlanRunner.run(plan, log: log)
            if outcome.interrupted { return Outcome(baseline: nil, refusal: nil, interrupted: true) }
            if let miss = outcome.report.unmeasured.first {
                return Outcome(baseline: nil, refusal: "job \(job): \(miss.scenario) not measured: \(miss.reason)", interrupted: false)
            }
            if let failed = outcome.report.checks.first(where: { $0.threshold == ThresholdCheck.runCheckName && $0.verdict == .fail }) {
                return Outcome(baseline: nil, refusal: "job \(job): \(failed.scenario) \(failed.client): \(failed.failureText); a baseline must not hold a failed run", interrupted: false)
            }
            version = outcome.results.first?.identity.redisVersion ?? version
            measured.append(outcome.samples.map { samples in
                var tagged = samples
                for i in tagged.pairs.indices { tagged.pairs[i].job = job }
                return tagged
            })
        }
        let made = GateBaseline.make(
            pooled: GateBaseline.pool(measured), identity: RunIdentity.current(redisVersion: version), command: command,
            pairs: plan.scenarios.map(\.repeats).max() ?? 1, bootstrap: BootstrapSettings(), bounds: HardBounds(), previous: previous,
            reference: PlanRegression.reference, subjects: PlanRegression.subjects)
        return Outcome(baseline: made, refusal: nil, interrupted: false)
    }
}
