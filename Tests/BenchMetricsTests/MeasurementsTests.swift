import BenchMetrics
import Foundation
import Testing

@Suite struct MeasurementsTests {
    @Test func derivedFiguresFromARecorder() throws {
        var r = QueueRecorder(contenders: 4, windowStartNanos: 0)
        for i in 0..<100 {
            r.recordAcquired(contender: i % 3, latencyNanos: UInt64(i + 1) * 10_000, attempts: 1 + i % 2, completedAtNanos: UInt64(i) * 10_000_000)
        }
        r.recordFailedAcquire(contender: 3, attempts: 9, completedAtNanos: 5)
        r.recordError(kind: "transport connection reset", atNanos: 5)
        r.recordError(kind: "transport connection reset", atNanos: 6)
        let server = ServerStatsDelta(servers: 1, commands: ["set": .init(calls: 200, usec: 400)], excludedCalls: 2, cpuSysS: 0.002, cpuUserS: 0.003, totalCommandsProcessed: 200)
        let client = ProcessCost(userCPUS: 0.01, systemCPUS: 0.01, wallS: 2, peakRSSBytes: 50 * 1_048_576, peakThreads: 6)
        let m = Measurements(raw: r, windowS: 2, server: server, client: client)

        #expect(m.acquisitions == 100)
        #expect(m.acquisitionsPerSecond == 50)
        #expect(m.failedAcquires == 1)
        #expect(m.errors == 2)
        #expect(m.errorsByKind == ["transport connection reset": 2])
        let acquire = try #require(m.acquire)
        #expect(acquire.count == 100)
        #expect(acquire.maxUs == 1_000)
        #expect(abs(acquire.p50Us - 500) <= 0.5)
        #expect(m.acquireCorrected == nil)
        #expect(m.handoff == nil)
        #expect(m.redlock == nil)
        #expect(m.watchdog == nil)
        #expect(try #require(m.attempts).mean == 1.5)
        #expect(m.fairness.starved == 1)
        #expect(m.fairness.contenders == 4)
        #expect(m.cost.serverCommandsPerAcquisition == 2)
        #expect(abs(try #require(m.cost.serverCPUPerAcquisitionUs) - 50) < 1e-9)
        #expect(abs(try #require(m.cost.clientCPUPerAcquisitionUs) - 200) < 1e-9)
        #expect(abs(try #require(m.cost.client?.cpuPercent) - 1) < 1e-9)
        #expect(m.cost.client?.peakRSSMB == 50)
    }

    @Test func redlockBudget() throws {
        var r = QueueRecorder(contenders: 1, windowStartNanos: 0)
        // ttl 100 ms: attempts taking 1 ms … 100 ms, validity = 100 − elapsed − 3.
        for ms in 1...100 {
            let validity = 100 - Double(ms) - 3
            r.recordRedlockAttempt(
                elapsedNanos: UInt64(ms) * 1_000_000, ttlMs: 100, validityMs: validity, answered: 5,
                quorumReached: true, overrun: validity <= 0, splitVote: false
            )
        }
        r.recordRedlockAttempt(elapsedNanos: 2_000_000, ttlMs: 100, validityMs: 95, answered: 3, quorumReached: false, overrun: false, splitVote: true)
        let budget = try #require(Measurements(raw: r, windowS: 1).redlock)
        #expect(budget.attempts == 101)
        #expect(budget.quorumAttempts == 100)
        #expect(budget.overruns == 4) // 97, 98, 99, 100 ms
        #expect(budget.splitVotes == 1)
        #expect(budget.validityMinMs == -3)
        #expect(budget.validityP1Ms == 0) // more than 1% overran
        #expect(abs(budget.elapsedTTLMaxPct - 100) < 0.1)
        #expect(abs(budget.elapsedTTLP50Pct - 50) < 0.1)
        #expect(budget.nodesAnswered == [0, 0, 0, 1, 0, 100])
        #expect(abs(try #require(budget.nodesAnsweredMean) - (503.0 / 101)) < 1e-9)
    }

    @Test func measurementsSurviveJSON() throws {
        var r = QueueRecorder(contenders: 2, windowStartNanos: 0)
        r.recordAcquired(contender: 0, latencyNanos: 123_456, attempts: 3, completedAtNanos: 1)
        r.recordWatchdogRenewal(lateByNanos: 2_000)
        let m = Measurements(raw: r, windowS: 1)
        let back = try JSONDecoder().decode(Measurements.self, from: JSONEncoder().encode(m))
        #expect(back.raw == m.raw)
        #expect(back.acquire == m.acquire)
        #expect(back.fairness == m.fairness)
        #expect(back.fairness.jain == 0.5)
        #expect(back.watchdog == m.watchdog)
    }
}
