import Gate
import LoadDriver
import Testing

/// The self-gate against a slowdown in the layers both Swift clients share: native ÷ hiredis cancels
/// it, native ÷ the C reference (which shares no Swift code) must not. Real redis-servers, short
/// windows; only verdicts are asserted.
@Suite("the self-gate sees the shared path", .serialized)
struct SharedPathGateTests {
    /// The default uncontended scenario (setnx-px, spin, hold 0: the C reference's cycle), 8 rounds of
    /// 0.5 s windows: with 4, one noisy round under a parallel test run widened the bootstrap interval
    /// past the threshold even at a 13x slowdown.
    static func plan(sharedDelayUs: Int = 0) -> GatePlan {
        GatePlan(
            scenarios: [DefaultScenarios.uncontended], rounds: 8, withReference: true, injectSharedDelayUs: sharedDelayUs,
            durationS: 0.5, warmupS: 0.2)
    }

    /// Wide enough that an unchanged build does not fail on a busy 2-core machine (p99 is left ungated:
    /// a 0.5 s window's tail is a handful of acquisitions); the injected busy-wait is far past it.
    static let options = GateOptions(thresholdOverrides: [.throughput: 0.5, .acquireP50: 0.75, .acquireP99: 5, .jain: 0.25])

    static func measure(_ plan: GatePlan) async throws -> GateMeasurement {
        let result = try await GateJob.run(plan) { _ in }
        return GateMeasurement(
            identity: GateFixtures.identity, build: buildConfiguration, command: "test", injectedDelayUs: 0,
            injectedSharedDelayUs: plan.injectSharedDelayUs, scenarios: result.jobs.first ?? [])
    }

    static func row(_ report: GateReport, _ subject: String, _ metric: GateMetric) -> MetricComparison? {
        report.relative.first { $0.client == subject && $0.metric == metric }
    }

    @Test("A/A passes; a busy-wait per acquisition in the driver fails native/c-reference while native/hiredis cancels it")
    func sharedDelay() async throws {
        let baselineRounds = try await Self.measure(Self.plan())
        let baseline = GateBaseline.make(
            pooled: baselineRounds.scenarios, identity: GateFixtures.identity, command: "test", pairs: 8,
            bootstrap: BootstrapSettings(), bounds: HardBounds(), previous: nil)
        #expect(baseline.scenarios.first?.samples.pairs.allSatisfy { $0.run("c-reference") != nil } == true)

        let same = try GateEvaluation.evaluate(
            baseline: baseline, current: .measurement(try await Self.measure(Self.plan())), options: Self.options, context: [])
        #expect(!same.failed, "\(same.text())")
        // An A/A run may come out "improved" on a noisy machine; it must not fail.
        #expect(Self.row(same, "native/c-reference", .throughput).map { $0.verdict != .fail } == true, "\(same.text())")

        // 1 ms of busy CPU per acquisition on each lane's queue: both Swift clients slowed alike.
        let slowed = try GateEvaluation.evaluate(
            baseline: baseline, current: .measurement(try await Self.measure(Self.plan(sharedDelayUs: 1_000))), options: Self.options,
            context: [])
        #expect(slowed.failed, "\(slowed.text())")
        #expect(Self.row(slowed, "native/c-reference", .throughput)?.verdict == .fail, "\(slowed.text())")
        #expect(Self.row(slowed, "native/hiredis", .throughput)?.verdict != .fail, "\(slowed.text())")
        #expect(slowed.hard.allSatisfy { $0.verdict != .fail }, "\(slowed.text())")
    }
}
