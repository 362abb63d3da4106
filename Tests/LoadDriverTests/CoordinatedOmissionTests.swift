import BenchMetrics
import Foundation
import LoadDriver
import RedisConnection
import RedisFleet
import Testing
import TestSupport

/// Open loop against a server frozen for a known time (SIGSTOP … SIGCONT): arrivals keep their
/// schedule while the server is stopped, so the latency from the intended start (the coordinated-
/// omission correction) must hold the stall for every arrival it delayed, while the raw latency (from
/// when a contender actually started) holds it only for the few acquisitions already in flight.
@Suite("Coordinated omission", .serialized)
struct CoordinatedOmissionTests {
    @Test("the corrected record contains a server stall that the raw record hides", arguments: allClients)
    func pausedServer(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            let contenders = 2
            let rate = 200.0
            let pauseNanos: UInt64 = 400_000_000
            var s = scenario(
                client, fleet: fleet, contenders: contenders, keys: contenders, mode: .open(rate: rate, arrivals: .uniform),
                durationS: 3, commandTimeoutMs: 30_000)
            s.eventLogCapacity = 100_000
            let run = LoadRun(
                scenario: s, connector: TestSupport.connector(client), endpoints: fleet.endpoints,
                connectionOptions: ConnectionOptions(commandTimeoutMs: 30_000), keyPrefix: uniquePrefix())
            let task = Task { try await run.run() }
            // The stall must land inside the window: wait for the run to be granted before stopping the
            // server (a loaded machine may take longer than any fixed sleep to open the connections).
            #expect(await run.waitForGrant(after: 0, boundMs: 30_000) != nil, "the run started")
            let pauser = Thread {
                fleet.pause(0)
                // Never shorter than asked: the stall is at least pauseNanos long.
                Thread.sleep(forTimeInterval: Double(pauseNanos) / 1e9)
                fleet.resume(0)
            }
            pauser.start()
            let outcome = try await task.value
            let raw = outcome.recorder.acquireLatency
            let corrected = outcome.recorder.acquireCorrectedLatency
            let half = pauseNanos / 2
            #expect(raw.count > 0)
            #expect(corrected.count == raw.count)
            // Arrivals due while the server was stopped queued for a free contender: their intended
            // starts are spread over the pause, so many corrected latencies exceed half of it.
            #expect(corrected.max >= half)
            #expect(corrected.count(atLeast: half) > UInt64(contenders))
            // Raw latency spans the pause only for acquisitions already sent: at most one per contender.
            #expect(raw.count(atLeast: half) <= UInt64(contenders))
            #expect(corrected.count(atLeast: half) > raw.count(atLeast: half))
            // The queued arrivals are the harness's backlog, and it says so.
            #expect((outcome.harness?.arrivalsWaited ?? 0) > 0)
        }
    }
}
