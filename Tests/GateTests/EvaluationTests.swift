import TestSupport
import Foundation
import Gate
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Baseline against current, end to end without measuring: verdicts, refusals, report formats.
@Suite("gate evaluation and reports")
struct EvaluationTests {
    static let base = GateFixtures.samples(throughput: [1.00, 1.04, 0.98, 1.02, 1.00, 0.96])

    func report(_ current: ScenarioSamples, options: GateOptions = GateOptions()) throws -> GateReport {
        try GateEvaluation.evaluate(
            baseline: GateFixtures.baseline(Self.base), current: .measurement(GateFixtures.measurement(current)),
            options: options, context: ["test"])
    }

    @Test("the same figures pass; a 40% drop in throughput fails that metric only")
    func verdicts() throws {
        let same = try report(GateFixtures.samples(throughput: [1.02, 0.98, 1.00, 1.04, 1.00]))
        #expect(!same.failed)
        let slower = try report(GateFixtures.samples(throughput: [0.60, 0.62, 0.58, 0.60, 0.64]))
        #expect(slower.failed)
        let failed = slower.relative.filter { $0.verdict == .fail }
        #expect(failed.map(\.metric) == [.throughput])
        #expect(slower.hard.allSatisfy { $0.verdict != .fail })
    }

    @Test("a threshold override widens the gate")
    func override() throws {
        let slower = GateFixtures.samples(throughput: [0.60, 0.62, 0.58, 0.60, 0.64])
        let report = try report(slower, options: GateOptions(thresholdOverrides: [.throughput: 0.5]))
        #expect(!report.failed)
    }

    @Test("a safety violation fails even when every metric passes")
    func hardFirst() throws {
        let report = try report(GateFixtures.samples(throughput: [1.02, 0.98, 1.00], violations: 1))
        #expect(report.failed)
        #expect(report.relative.allSatisfy { $0.verdict != .fail })
    }

    @Test("result rows without a reference need --hard-only; a different build type is refused")
    func refusals() throws {
        let rows = GateInput.rows([("run.csv row 1", GateFixtures.figures())])
        #expect(throws: GateEnvironmentError.self) {
            try GateEvaluation.evaluate(baseline: GateFixtures.baseline(Self.base), current: rows, options: GateOptions(), context: [])
        }
        let hardOnly = try GateEvaluation.evaluate(
            baseline: GateFixtures.baseline(Self.base), current: rows, options: GateOptions(hardOnly: true), context: [])
        #expect(!hardOnly.failed && hardOnly.relative.isEmpty)
        let other = buildConfiguration == "debug" ? "release" : "debug"
        #expect(throws: GateEnvironmentError.self) {
            try GateEvaluation.evaluate(
                baseline: GateFixtures.baseline(Self.base),
                current: .measurement(GateFixtures.measurement(Self.base, build: other)), options: GateOptions(), context: [])
        }
    }

    @Test("A/A analysis: jobs that agree get the floor, and a noisy job widens the threshold")
    func aaThresholds() {
        var quiet = GateFixtures.samples(throughput: [1.00, 1.02, 0.98], job: 1)
        quiet.pairs += GateFixtures.samples(throughput: [1.00, 1.04, 1.00], job: 2).pairs
        let calm = AAAnalysis.analyse([quiet], bootstrap: BootstrapSettings(resamples: 500))
        #expect(calm.thresholds["contended"]?["throughput"] == 0.10)
        var noisy = GateFixtures.samples(throughput: [1.00, 1.02, 0.98], job: 1)
        noisy.pairs += GateFixtures.samples(throughput: [1.22, 1.24, 1.20], job: 2).pairs
        let loud = AAAnalysis.analyse([noisy], bootstrap: BootstrapSettings(resamples: 500))
        // Job medians 1.00 and 1.22 differ by 22%: twice that, rounded up to 5%, is 45%.
        #expect(loud.thresholds["contended"]?["throughput"] == 0.45)
        #expect(loud.spread.entries.first { $0.metric == "throughput" }?.falseAlarms == 0)
    }

    @Test("JUnit XML is well-formed, escapes what it must, and lists each failure")
    func junit() throws {
        var report = try report(GateFixtures.samples(throughput: [0.60, 0.62, 0.58, 0.60, 0.64]))
        report.hard.append(HardCheck(
            scenario: "odd <&> \"name\"", client: "native", check: "safety", value: "1 violation", bound: "0", verdict: .fail,
            detail: "control \u{01} char & 'quotes'"))
        let xml = report.junit()
        let parser = XMLParser(data: Data(xml.utf8))
        let counter = FailureCounter()
        parser.delegate = counter
        #expect(parser.parse(), "not well-formed: \(parser.parserError.map { "\($0)" } ?? "")\n\(xml)")
        #expect(counter.failures == 2)
        #expect(counter.testcases == report.hard.count + report.relative.count)
        #expect(xml.contains("odd &lt;&amp;&gt; &quot;name&quot;"))
    }

    @Test("the text and Markdown reports carry every row and the verdict")
    func textAndMarkdown() throws {
        let report = try report(GateFixtures.samples(throughput: [0.60, 0.62, 0.58, 0.60, 0.64]))
        let text = report.text()
        #expect(text.contains("FAIL: 0 of"))
        #expect(text.contains("throughput"))
        #expect(text.contains("95% CI"))
        let markdown = report.markdown()
        #expect(markdown.hasPrefix("## bench gate: ❌ FAIL"))
        #expect(markdown.components(separatedBy: "\n").filter { $0.hasPrefix("| contended") }.count == report.hard.count + report.relative.count)
        #expect(report.relative.contains { $0.client == "native/hiredis" && $0.metric == .throughput && $0.verdict == .fail })
    }
}

/// Counts `<testcase>` and `<failure>` elements.
final class FailureCounter: NSObject, XMLParserDelegate {
    var failures = 0
    var testcases = 0

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if name == "failure" { failures += 1 }
        if name == "testcase" { testcases += 1 }
    }
}
