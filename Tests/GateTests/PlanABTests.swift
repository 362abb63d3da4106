import Foundation
import Gate
import Testing

/// A plan's `compare:` block: two sides of one scenario, each on its own embedded redis-server, in
/// interleaved rounds, judged by paired ratios. Real servers; no assertion on how long anything took.
@Suite("gate plan A/B comparison")
struct PlanABTests {
    /// Ten pairs, not fewer: a round in which the parallel test run starved side A gives one pair far
    /// above 1, and with six pairs the bootstrap's resampled medians still reached it.
    /// SET NX PX with one spinning contender and no hold: each cycle is two writes, each answered only
    /// after its own fsync with `appendfsync always`. One contender, not many: with many pipelined
    /// writes Redis fsyncs once per event-loop pass, and under a parallel test run the CPU both sides
    /// lack then decided the ratio as much as the disk did.
    static let fsyncPlan = """
        repeats: 10
        scenarios:
          - name: fsync
            algorithm: setnx-px
            wait: spin
            contenders: 1
            keys: 1
            connections: 1
            hold: 0ms
            duration: 0.5s
            warmup: 0.1s
            thresholds: [{expr: mutex_violations == 0, aggregate: every}]
            compare:
              a: {label: no-persistence}
              b: {label: aof-always, server-config: {appendonly: "yes", appendfsync: always}}
              metrics: [acquisitions_per_s, acquire_p50_us]
              thresholds: ["ratio(acquisitions_per_s) >= 0.01", "ratio(acquisitions_per_s) >= 1.5"]

        """

    @Test("an fsync-every-write server against no persistence: B is reported slower, from alternating rounds")
    func fsyncIsSlower() async throws {
        let plan = try UserPlan.parse(Self.fsyncPlan, file: "ab.yaml")
        let outcome = await PlanRunner.run(plan) { _ in }
        let report = outcome.report.text()
        #expect(outcome.report.unmeasured.isEmpty, "\(report)")
        let comparison = try #require(outcome.comparisons.first, "\(report)")
        #expect(comparison.labels == ["no-persistence", "aof-always"])
        #expect(comparison.order == (0..<10).map { $0 % 2 == 0 ? ["A", "B"] : ["B", "A"] }, "\(report)")
        let throughput = try #require(comparison.ratios.first { $0.metric == "acquisitions_per_s" })
        #expect(throughput.pairs == 10)
        #expect(throughput.slower == .b, "\(report)")
        #expect(try #require(throughput.ratio) < 1, "\(report)")
        #expect(report.contains("acquisitions_per_s B/A"), "\(report)")
        #expect(report.contains("B (aof-always) is slower"), "\(report)")
        // Each side's own thresholds, and both ratio thresholds: one that holds, one that cannot.
        let verdicts = Dictionary(outcome.report.checks.map { ("\($0.client) \($0.threshold)", $0.verdict) }, uniquingKeysWith: { a, _ in a })
        #expect(verdicts["A (no-persistence) mutex_violations == 0"] == .pass, "\(report)")
        #expect(verdicts["B (aof-always) mutex_violations == 0"] == .pass, "\(report)")
        #expect(verdicts["B/A ratio(acquisitions_per_s) >= 0.01"] == .pass, "\(report)")
        #expect(verdicts["B/A ratio(acquisitions_per_s) >= 1.5"] == .fail, "\(report)")
        #expect(outcome.report.exitStatus == 1)
    }

    static func refusal(_ compare: String) -> String {
        let text = "repeats: 4\nscenarios:\n  - name: s\n    compare:\n" + compare
        do {
            _ = try UserPlan.parse(text, file: "ab.yaml")
            return "accepted"
        } catch {
            return error.description
        }
    }

    @Test("bad compare blocks are refused at the file, line and key")
    func refusals() {
        let secret = Self.refusal("      a: {}\n      b: {server-config: {requirepass: hunter2}}\n")
        #expect(secret.contains("ab.yaml:6"), "\(secret)")
        #expect(secret.contains("compare.b.server-config.requirepass"), "\(secret)")
        #expect(secret.contains("unknown key"), "\(secret)")
        let missing = Self.refusal("      a: {}\n")
        #expect(missing.contains("compare.b") && missing.contains("missing"), "\(missing)")
        let ratio = Self.refusal("      a: {}\n      b: {}\n      thresholds: [\"ratio(acquire_p99) <= 2\"]\n")
        #expect(ratio.contains("compare.thresholds[0]") && ratio.contains("acquire_p99_us"), "\(ratio)")
        let external = Self.refusal("      a: {}\n      b: {server: 127.0.0.1:1, server-config: {appendonly: \"yes\"}}\n")
        #expect(external.contains("external servers"), "\(external)")
        let setting = Self.refusal("      a: {}\n      b: {keys: 0}\n")
        #expect(setting.contains("compare.b.keys"), "\(setting)")
        #expect(Self.refusal("      a: {}\n      b: {hold: 2ms}\n") == "accepted")
    }
}
