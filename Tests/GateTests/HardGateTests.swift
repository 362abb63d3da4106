import TestSupport
import BenchMetrics
import Gate
import LoadDriver
import Locks
import Reports
import Testing

/// Hard gates on synthetic runs: counts against bounds, no statistics.
@Suite("hard gates")
struct HardGateTests {
    func verdicts(_ runs: [RunFigures], bounds: HardBounds = HardBounds()) -> [String: Verdict] {
        Dictionary(uniqueKeysWithValues: HardGates.check(scenario: "s", client: "native", runs: runs, bounds: bounds).map { ($0.check, $0.verdict) })
    }

    /// A `RunResult` whose recorder saw `overlaps` mutual-exclusion violations.
    func result(_ algorithm: LockAlgorithmKind, overlaps: Int, holdUs: Int = 1_000) -> RunResult {
        var raw = QueueRecorder(contenders: 2, windowStartNanos: 0)
        for i in 0..<100 { raw.recordAcquired(contender: i % 2, latencyNanos: 50_000, attempts: 1, completedAtNanos: UInt64(i + 1) * 1_000_000) }
        if overlaps > 0 { raw.recordMutexOverlap(overlaps) }
        var scenario = GateFixtures.scenario.scenario
        scenario.lock = LockSpec(algorithm: algorithm, wait: .spin, ttlMs: 10_000)
        scenario.hold = .fixed(us: holdUs)
        return RunResult(identity: GateFixtures.identity, scenario: scenario, measurements: Measurements(raw: raw, windowS: 1))
    }

    @Test("no violation passes; one violation of a safe algorithm fails")
    func safety() {
        #expect(verdicts([RunFigures(result(.setnxPX, overlaps: 0))])["safety"] == .pass)
        for algorithm in [LockAlgorithmKind.setnxPX, .fenced, .redlock] {
            let checks = HardGates.check(scenario: "s", client: "native", runs: [RunFigures(result(algorithm, overlaps: 1))], bounds: HardBounds())
            let safety = checks.first { $0.check == "safety" }
            #expect(safety?.verdict == .fail, "\(algorithm)")
            #expect(safety?.detail?.contains("1 mutual-exclusion violations") == true)
        }
    }

    @Test("violations summed over rounds: one bad round of five fails")
    func summedOverRounds() {
        let runs = (0..<5).map { GateFixtures.figures(violations: $0 == 3 ? 1 : 0) }
        #expect(verdicts(runs)["safety"] == .fail)
        #expect(verdicts(runs.map { var r = $0; r.mutexViolations = 0; return r })["safety"] == .pass)
    }

    @Test("unsafe algorithms and holds past the TTL are not held to mutual exclusion")
    func notApplicable() {
        #expect(verdicts([RunFigures(result(.naiveGetdel, overlaps: 3))])["safety"] == .skipped)
        #expect(verdicts([RunFigures(result(.legacyGetset, overlaps: 3))])["safety"] == .skipped)
        #expect(verdicts([RunFigures(result(.setnxPX, overlaps: 3, holdUs: 20_000_000))])["safety"] == .skipped)
        #expect(verdicts([GateFixtures.figures(holdUs: nil, violations: 2)])["safety"] == .skipped)
    }

    @Test("double grants, wrong-owner deletes and stale writes count as violations too")
    func otherEvidence() {
        var run = GateFixtures.figures()
        run.doubleGrants = 1
        #expect(verdicts([run])["safety"] == .fail)
        run = GateFixtures.figures()
        run.staleWritesRejected = 2
        #expect(verdicts([run])["safety"] == .fail)
    }

    @Test("error rate and Redlock overruns against their bounds")
    func bounds() {
        #expect(verdicts([GateFixtures.figures(rate: 10_000, errors: 5)])["error-rate"] == .pass)  // 0.05% ≤ 0.1%
        #expect(verdicts([GateFixtures.figures(rate: 10_000, errors: 50)])["error-rate"] == .fail)
        #expect(verdicts([GateFixtures.figures(rate: 10_000, errors: 50)], bounds: HardBounds(maxErrorRate: 0.01))["error-rate"] == .pass)
        #expect(verdicts([GateFixtures.figures(algorithm: "redlock", overruns: 0)])["ttl-overruns"] == .pass)
        #expect(verdicts([GateFixtures.figures(algorithm: "redlock", overruns: 1)])["ttl-overruns"] == .fail)
        #expect(verdicts([GateFixtures.figures()])["ttl-overruns"] == nil, "only Redlock has a TTL budget to overrun")
    }

    @Test("a run that did not complete fails")
    func incomplete() {
        var run = GateFixtures.figures()
        run.partial = true
        run.error = "lost the connection to 127.0.0.1:6400"
        let checks = HardGates.check(scenario: "s", client: "native", runs: [GateFixtures.figures(), run], bounds: HardBounds())
        let completed = checks.first { $0.check == "completed" }
        #expect(completed?.verdict == .fail)
        #expect(completed?.value == "1/2 runs")
        #expect(completed?.detail?.contains("lost the connection") == true)
    }
}
