import Gate
import Testing

/// Which rows the relative gates hold to a threshold: a subject's own threshold first, and none past
/// `GateMetric.widestGatedThreshold`.
@Suite("gated and ungated thresholds")
struct ThresholdRuleTests {
    static let base = GateFixtures.samples(throughput: [1.00, 1.04, 0.98, 1.02, 1.00, 0.96])
    static let halved = GateFixtures.samples(throughput: [0.50, 0.52, 0.48, 0.50, 0.54])

    func throughputRow(_ thresholds: [String: Double]) throws -> MetricComparison? {
        var baseline = GateFixtures.baseline(Self.base)
        baseline.scenarios[0].thresholds.merge(thresholds) { $1 }
        let report = try GateEvaluation.evaluate(
            baseline: baseline, current: .measurement(GateFixtures.measurement(Self.halved)), options: GateOptions(), context: [])
        return report.relative.first { $0.metric == .throughput && $0.client == "native/hiredis" }
    }

    @Test("a throughput threshold past 100% is reported, not gated, even when throughput halved")
    func ungated() throws {
        let row = try throughputRow(["throughput": 1.15])
        #expect(row?.verdict == .skipped)
        #expect(row?.note?.contains("not gated") == true)
        #expect(row?.ratio != nil)
    }

    @Test("a subject's own threshold wins over the metric's")
    func perSubject() throws {
        #expect(try throughputRow(["throughput": 0.6])?.verdict == .pass)
        let own = BaselineScenario.key(.throughput, subject: "native/hiredis")
        #expect(try throughputRow(["throughput": 0.6, own: 0.2])?.verdict == .fail)
    }
}
