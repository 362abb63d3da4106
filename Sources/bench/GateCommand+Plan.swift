import ArgumentParser
import Foundation
import Gate

/// `bench gate --plan FILE`: the user's scenarios and thresholds, k6's exit codes.
extension GateCommand {
    /// Flags that belong to the built-in baseline gate mean nothing with a plan: refused, not ignored.
    func validatePlanFlags() throws {
        let given: [(String, Bool)] = [
            ("--current", current != nil), ("--pairs", pairs != nil),
            ("--hard-only", hardOnly), ("--inject-delay", injectDelay != nil), ("--threshold", !thresholds.isEmpty),
            ("--max-error-rate", maxErrorRate != nil), ("--max-overrun-rate", maxOverrunRate != nil),
            ("--resamples", resamples != nil), ("--save", save != nil),
        ]
        guard (1...20).contains(aaJobs) else { throw ValidationError("--aa-jobs must be 1...20, not \(aaJobs).") }
        let clashing = given.filter(\.1).map(\.0)
        guard clashing.isEmpty else {
            throw ValidationError("--plan runs the plan's scenarios and thresholds; \(clashing.joined(separator: ", ")) belong\(clashing.count == 1 ? "s" : "") to the built-in gate: drop \(clashing.count == 1 ? "it" : "them") (thresholds and repeats go in the plan).")
        }
    }

    func runPlan(_ path: String) async throws {
        var plan: UserPlan
        do { plan = try UserPlan.read(path: path, updatingBaseline: updateBaseline) } catch {
            // The plan is the user's input, like a flag: a usage error, caught before any server starts.
            Terminal.error("bench gate: \(error)")
            throw ExitCode(64)
        }
        if !scenarios.isEmpty {
            let unknown = scenarios.filter { name in !plan.scenarios.contains { $0.name == name } }
            guard unknown.isEmpty else {
                throw ValidationError("--scenario \(unknown.joined(separator: ", ")): not in \(path) (it has \(plan.scenarios.map(\.name).joined(separator: ", "))).")
            }
            plan.scenarios = plan.scenarios.filter { scenarios.contains($0.name) }
        }
        for output in [junit, markdown].compactMap({ $0 }) {
            if let problem = GateOutput.unwritable(output) { try fail(problem) }
        }
        if updateBaseline { return try await updatePlanBaseline(plan) }
        let outcome = await PlanRunner.run(plan) { Terminal.note($0) }
        print(outcome.report.text(), terminator: "")
        do {
            if let junit { try GateOutput.write(outcome.report.junit(), to: junit) }
            if let markdown { try GateOutput.write(outcome.report.markdown(), to: markdown) }
        } catch { try fail("\(error)") }
        if outcome.interrupted {
            Terminal.error("bench gate: interrupted; the report covers what ran before.")
            throw ExitCode(130)
        }
        let status = outcome.report.exitStatus
        if status != 0 { throw ExitCode(status) }
    }

    /// `--plan FILE --update-baseline`: --aa-jobs A/A jobs of the plan's scenarios into its `baseline:` file.
    func updatePlanBaseline(_ plan: UserPlan) async throws {
        guard let path = plan.baselinePath else {
            throw ValidationError("--update-baseline writes the plan's baseline file: add `baseline: FILE` to \(plan.path) (relative to its directory).")
        }
        if let problem = GateOutput.unwritable(path) { try fail(problem) }
        let outcome = await PlanBaselineUpdate.measure(plan, jobs: aaJobs, command: GateOutput.commandLine()) { Terminal.note($0) }
        if outcome.interrupted {
            Terminal.error("bench gate: interrupted; nothing was written.")
            throw ExitCode(130)
        }
        guard let made = outcome.baseline else { try fail("\(outcome.refusal ?? "nothing measured"). Nothing was written to \(path).") }
        do { try GateFiles.write(made, to: path) } catch { try fail("\(error)") }
        if let aa = made.aa { print(aa.text(), terminator: "") }
        print("reference: \(made.reference)")
        print("thresholds (\(made.thresholdRule)):")
        for scenario in made.scenarios {
            let list = scenario.thresholds.sorted { $0.key < $1.key }.map { "\($0.key) \(Int(($0.value * 100).rounded()))%" }
            print("  \(scenario.name): \(list.joined(separator: ", "))")
        }
        print("wrote \(path): \(made.scenarios.count) scenarios, \(made.scenarios.first?.samples.pairs.count ?? 0) rounds each, git \(made.identity.gitSHA), \(made.build) build")
    }
}
