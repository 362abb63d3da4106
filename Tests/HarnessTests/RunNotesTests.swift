import BenchMetrics
import Harness
import LoadDriver
import Locks
import Testing

/// Notes under a run's summary say what its figures cannot: here, a window shorter than one acquisition.
@Suite struct RunNotesTests {
    func result(windowGrants: Int, runGrants: Int) -> RunResult {
        var raw = QueueRecorder(contenders: 2, windowStartNanos: 0)
        for i in 0..<windowGrants { raw.recordAcquired(contender: i % 2, latencyNanos: 50_000, attempts: 1, completedAtNanos: UInt64(i + 1) * 1_000_000) }
        for _ in 0..<runGrants { raw.recordGrant() }
        let identity = RunIdentity(runID: "20261206-120000-0001", time: "2026-12-06T12:00:00Z", gitSHA: "abc1234", host: "h",
                                   cores: 2, os: "Linux", swiftVersion: "6.3", redisVersion: "")
        let scenario = Scenario(
            client: .native, deployment: .etcd(.embedded(members: 1)), lock: LockSpec(algorithm: .etcdMutex, wait: .watch, ttlMs: 4_000),
            contenders: 1_000, keys: 1, connections: 4, pipeline: 0, hold: .fixed(us: 1_000), think: .fixed(us: 0), mode: .closed,
            durationS: 3, warmupS: 2, requests: nil, seed: 1, queues: 1)
        return RunResult(identity: identity, scenario: scenario, measurements: Measurements(raw: raw, windowS: 3))
    }

    @Test("grants in the run but none in the window: the note says the window is shorter than one acquisition")
    func windowShorterThanAnAcquisition() {
        let notes = RunChecks.notes(result(windowGrants: 0, runGrants: 137))
        #expect(notes.count == 1)
        #expect(notes.first?.contains("137 grants") == true && notes.first?.contains("--duration") == true, "\(notes)")
        #expect(RunChecks.notes(result(windowGrants: 5, runGrants: 137)).isEmpty)
        #expect(RunChecks.notes(result(windowGrants: 0, runGrants: 0)).isEmpty, "nothing granted at all is not this note's case")
    }
}
