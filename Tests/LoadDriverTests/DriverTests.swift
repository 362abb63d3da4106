import BenchMetrics
import Foundation
import Locks
import LoadDriver
import RedisConnection
import RedisFleet
import Testing
import TestSupport

/// The driver against real redis-servers: quotas, the pipeline cap, handoff, FIFO order, error backoff.
/// No test asserts a duration; each checks counts or an ordering the driver must keep.
@Suite("LoadDriver", .serialized)
struct DriverTests {
    @Test("a --requests quota counts exactly that many acquisitions, over two lanes", arguments: allClients)
    func requestsQuota(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            // The duration only bounds a broken driver: the quota ends the run long before it.
            let s = scenario(client, fleet: fleet, contenders: 16, keys: 4, connections: 2, durationS: 60, requests: 500, queues: 2)
            let outcome = try await drive(s, fleet: fleet)
            #expect(outcome.recorder.acquisitions == 500)
            #expect(outcome.recorder.grants.reduce(0, +) == 500)
            #expect(!outcome.partial)
        }
    }

    @Test("--pipeline caps the acquire commands outstanding on a connection", arguments: allClients)
    func pipelineCap(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            let counting = CountingConnector(connector(client))
            // One contender per key: every acquire is one SET, so outstanding SETs are acquisitions in flight.
            let s = scenario(client, fleet: fleet, contenders: 64, keys: 64, pipeline: 4, hold: .fixed(us: 1_000), durationS: 0.5)
            let outcome = try await drive(s, fleet: fleet, connector: counting)
            let marks = counting.marks.withLock { $0 }
            #expect(outcome.recorder.acquisitions > 0)
            #expect(marks.highWaterSET <= 4)
            // The cap was reached, so the bound above was tested, not merely never approached.
            #expect(marks.highWaterSET == 4)
            #expect(marks.outstanding == 0)
        }
    }

    @Test("closed loop on one contended key measures handoffs and sees FIFO inversions under spin", arguments: allClients)
    func contendedKeyHandsOff(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            let s = scenario(client, fleet: fleet, contenders: 8, keys: 1, hold: .fixed(us: 1_000), durationS: 0.5)
            // Spinning waiters win by luck, not by arrival, so inversions come; but a window starved by a
            // loaded machine (CI's parallel pass) can hold too few grants to show one. Up to 5 windows.
            var inversions = 0
            for _ in 0..<5 where inversions == 0 {
                let recorder = try await drive(s, fleet: fleet).recorder
                #expect(recorder.acquisitions > 0)
                #expect(recorder.handoffLatency.count > 0)
                // Every handoff ends in a grant, and the first grant of the window follows no release.
                #expect(recorder.handoffLatency.count <= UInt64(recorder.acquisitions))
                #expect(recorder.safety.mutexOverlaps == 0)
                inversions = recorder.fifoInversions
            }
            #expect(inversions > 0)
        }
    }

    @Test("open loop with one contender per key: nobody waits at a release, so no handoff", arguments: allClients)
    func uncontendedOpenLoopHasNoHandoff(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            let s = scenario(
                client, fleet: fleet, contenders: 8, keys: 8, hold: .fixed(us: 1_000),
                mode: .open(rate: 400, arrivals: .uniform), durationS: 0.5)
            let outcome = try await drive(s, fleet: fleet)
            #expect(outcome.recorder.acquisitions > 0)
            #expect(outcome.recorder.handoffLatency.count == 0)
            #expect(outcome.recorder.fifoInversions == 0)
        }
    }

    @Test("errors back off: a server refusing every SET fails a bounded number of times")
    func errorsBackOff() async throws {
        let options = RedisServerOptions(extraConfig: [ConfigDirective("rename-command", "SET", "")])
        try await withFleet(options: options) { fleet in
            let contenders = 4
            let s = scenario(.native, fleet: fleet, contenders: contenders, keys: contenders, durationS: 1)
            let outcome = try await drive(s, fleet: fleet)
            #expect(outcome.recorder.acquisitions == 0)
            let errors = outcome.recorder.errorCount
            #expect(errors > 0)
            // With the 1 ms floor doubling to the 100 ms cap (half of it fixed), one contender fails at
            // most 8 times ramping up, then once per 50 ms: 28 a second. Spinning failed thousands of times.
            let bound = Double(contenders) * (8 + 20 * max(outcome.windowSeconds, 1)) * 2
            #expect(Double(errors) <= bound, "\(errors) errors in \(outcome.windowSeconds) s")
        }
    }
}
