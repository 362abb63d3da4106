import BenchMetrics
import Gate
import LoadDriver
import Testing

/// The threshold grammar without any server: what parses, what is refused and where, how it is judged.
@Suite("threshold expressions")
struct ThresholdExpressionTests {
    @Test("valid expressions parse and evaluate with the usual precedence", arguments: [
        ("acquire_p99_us < 50000", ["acquire_p99_us": 40_000.0], true),
        ("jain >= 0.9", ["jain": 0.85], false),
        ("mutex_violations == 0", ["mutex_violations": 0], true),
        ("failed_acquires / acquisitions < 0.001", ["failed_acquires": 1, "acquisitions": 10_000], true),
        ("failed_acquires / acquisitions < 1e-4", ["failed_acquires": 2, "acquisitions": 10_000], false),
        ("redlock_elapsed_p99_ttl_pct<5", ["redlock_elapsed_p99_ttl_pct": 4.9], true),
        ("acquire_p99_us - acquire_p50_us * 2 <= 100", ["acquire_p99_us": 300, "acquire_p50_us": 100], true),
        ("(acquire_p99_us - acquire_p50_us) * 2 <= 100", ["acquire_p99_us": 300, "acquire_p50_us": 100], false),
        ("acquisitions != 0", ["acquisitions": 5], true),
        ("-errors > -1", ["errors": 0], true),
        ("acquisitions_per_s > 1_000", ["acquisitions_per_s": 1_001], true),
        ("acquire_p99_us > acquire_p50_us", ["acquire_p99_us": 2, "acquire_p50_us": 1], true),
        ("p99(acquire) < 50000", ["acquire_p99_us": 40_000], true),
        ("p99(redlock_elapsed) < 5", ["redlock_elapsed_p99_ttl_pct": 6], false),
        ("p99(handoff) < 10 * p50(handoff)", ["handoff_p99_us": 90, "handoff_p50_us": 10], true),
    ])
    func valid(text: String, values: [String: Double], holds: Bool) throws {
        let expression = try ThresholdExpression(parsing: text)
        let l = try #require(expression.left.value { values[$0] })
        let r = try #require(expression.right.value { values[$0] })
        #expect(expression.comparison.holds(l, r) == holds, "\(text) with \(values)")
    }

    @Test("malformed expressions are refused at the character at fault", arguments: [
        ("acquire_p99_us 50000", 15, "expected a comparison"),
        ("acquire_p99_us < < 5", 17, "expected a metric"),
        ("acquire_p99_us < 5 < 6", 19, "one comparison"),
        ("acquire_p99_us = 5", 15, "not a comparison"),
        ("acquire_p99_us < 50ms", 19, "unit"),
        ("(acquisitions + 1 > 0", 18, "expected ')'"),
        ("acquisitions > 0 ;", 17, "unexpected character"),
        ("", 0, "empty"),
        ("1 < 2", 0, "name a metric"),
        ("acquisitions >", 14, "at the end"),
        ("p98(acquire) < 5", 0, "acquire has p50, p90, p99, p999"),
        ("max(acquire) < 5", 0, "not a percentile"),
        ("p99(acquire < 5", 12, "expected ')'"),
    ])
    func malformed(text: String, offset: Int, phrase: String) {
        let error = #expect(throws: ThresholdExpression.ParseError.self) { try ThresholdExpression(parsing: text) }
        #expect(error?.offset == offset, "\(String(describing: error))")
        #expect(error?.description.contains(phrase) == true, "\(String(describing: error))")
        #expect(error?.description.contains("character \(offset + 1)") == true)
    }

    @Test("an unknown metric names the nearest column", arguments: [
        ("acquire_p99 < 5", "acquire_p99_us"),
        ("mutex_overlaps == 0", "mutex_violations"),
        ("jian >= 0.9", "jain"),
        ("acquisitons > 0", "acquisitions"),
    ])
    func unknownMetric(text: String, suggestion: String) {
        let error = #expect(throws: ThresholdExpression.ParseError.self) { try ThresholdExpression(parsing: text) }
        #expect(error?.message.contains("unknown metric") == true, "\(String(describing: error))")
        #expect(error?.message.contains("did you mean \(suggestion)?") == true, "\(String(describing: error))")
    }

    @Test("a text column is refused as a metric; a true/false column reads as 1/0")
    func columnKinds() throws {
        let error = #expect(throws: ThresholdExpression.ParseError.self) { try ThresholdExpression(parsing: "client == 1") }
        #expect(error?.message.contains("text") == true)
        #expect(PlanMetrics.contains("partial"))
        #expect(PlanMetrics.contains("acquire_p99_us"))
        #expect(!PlanMetrics.contains("host"))
    }

    static func run(acquired: Int, latencyUs: UInt64 = 40) -> RunResult {
        var raw = QueueRecorder(contenders: 2, windowStartNanos: 0)
        for i in 0..<acquired {
            raw.recordAcquired(contender: i % 2, latencyNanos: latencyUs * 1_000, attempts: 1, completedAtNanos: UInt64(i + 1) * 1_000_000)
        }
        return RunResult(identity: GateFixtures.identity, scenario: GateFixtures.scenario.scenario, measurements: Measurements(raw: raw, windowS: 1))
    }

    @Test("median judges each side's median over the repeats; every fails on one repeat past the bound")
    func aggregates() throws {
        let runs = [Self.run(acquired: 100), Self.run(acquired: 5), Self.run(acquired: 120)]
        let expression = try ThresholdExpression(parsing: "acquisitions > 50")
        let median = ThresholdCheck.judge(expression, runs: runs, aggregate: .median, scenario: "s", client: "native")
        #expect(median.verdict == .pass, "\(median)")
        #expect(median.measured.hasPrefix("100"))
        let every = ThresholdCheck.judge(expression, runs: runs, aggregate: .every, scenario: "s", client: "native")
        #expect(every.verdict == .fail, "\(every)")
        #expect(every.measured.contains("5"))
    }

    @Test("a metric with no value fails rather than passes")
    func missingValue() throws {
        let expression = try ThresholdExpression(parsing: "redlock_elapsed_p99_ttl_pct < 5")
        let check = ThresholdCheck.judge(expression, runs: [Self.run(acquired: 10)], aggregate: .median, scenario: "s", client: "native")
        #expect(check.verdict == .fail)
        #expect(check.detail?.contains("no value") == true)
        let divide = try ThresholdExpression(parsing: "failed_acquires / acquisitions < 0.001")
        let empty = ThresholdCheck.judge(divide, runs: [Self.run(acquired: 0)], aggregate: .every, scenario: "s", client: "native")
        #expect(empty.verdict == .fail)
    }
}
