import Foundation
import Gate
import TestSupport
import Testing

/// `bench gate --plan FILE --update-baseline` and the regression check of later runs, with the bench
/// binary and its own embedded redis-servers. No assertion on a duration or on a verdict that noise decides.
@Suite("gate plan baseline: A/A jobs, then regression checks")
struct PlanBaselineTests {
    static let plan = """
        repeats: 2
        baseline: base.json
        scenarios:
          - name: contended
            contenders: 20
            keys: 2
            hold: 1ms
            duration: 0.4s
            warmup: 0.1s
            thresholds: [mutex_violations == 0]
          - name: ab
            duration: 0.3s
            warmup: 0s
            compare: {a: {}, b: {hold: 1ms}}

        """

    @Test("--update-baseline writes the A/A rounds and thresholds; a later run checks each metric against them")
    func updateThenCheck() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try PlanCLITests.write(Self.plan, in: directory)
        let basePath = directory.appendingPathComponent("base.json").path

        let update = try await runBench(["gate", "--plan", path, "--update-baseline", "--aa-jobs", "2"])
        #expect(update.status == 0, "\(update.stdout)\(update.stderr)")
        #expect(update.stdout.contains("A/A spread: 2 jobs × 2 rounds"), "\(update.stdout)")
        let baseline = try GateFiles.readBaseline(path: basePath)
        #expect(baseline.reference == PlanRegression.reference)
        #expect(baseline.aa?.jobs == 2)
        // The compare: scenario has its reference in the job: it is not in the baseline.
        #expect(baseline.scenarios.map(\.name) == ["contended"])
        let scenario = try #require(baseline.scenario("contended"))
        #expect(Set(scenario.samples.pairs.map(\.job)) == [1, 2])
        #expect(scenario.samples.pairs.count == 4)
        #expect(scenario.thresholds["native throughput"] != nil, "\(scenario.thresholds)")

        let run = try await runBench(["gate", "--plan", path, "--scenario", "contended"])
        #expect(run.status == 0 || run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("regression reference: none (absolute)"), "\(run.stdout)")
        for metric in ["throughput", "acquire-p50", "acquire-p99", "jain"] {
            #expect(run.stdout.contains("contended  native  \(metric) within"), "\(run.stdout)")
        }
        #expect(run.stdout.contains("now/baseline"), "\(run.stdout)")
    }

    @Test("--update-baseline without a baseline: key in the plan is a usage error")
    func needsBaselineKey() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try PlanCLITests.write("scenarios:\n  - name: s\n", in: directory)
        let result = try await runBench(["gate", "--plan", path, "--update-baseline"])
        #expect(result.status == 64, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("baseline: FILE"), "\(result.stderr)")
    }
}
