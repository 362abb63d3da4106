import LoadDriver
import Locks
import RedisConnection
import TestSupport
import Testing

/// `Scenario.reconnect`: a run that keeps going through faults (what chaos experiments run on), against
/// the default that ends on a dead connection (what `bench run` wants).
@Suite("fault-tolerant runs", .serialized)
struct FaultTolerantRunTests {
    static func run(_ client: RedisClientKind, on endpoint: Endpoint, reconnect: Bool) -> LoadRun {
        var scenario = Scenario(
            client: client, deployment: .standalone(.external([endpoint])),
            lock: LockSpec(algorithm: .setnxPX, wait: .fixed(delay: 2), ttlMs: 500), contenders: 4, keys: 2,
            connections: 4, pipeline: 0, hold: .fixed(us: 1_000), think: .fixed(us: 0), mode: .closed, durationS: 120, warmupS: 0,
            requests: nil, seed: 7, queues: 2, acquireTimeoutMs: 300)
        if reconnect {
            scenario.reconnect = ReconnectPolicy()
            scenario.eventLogCapacity = 100_000
        }
        return LoadRun(scenario: scenario, connector: connector(client), endpoints: [endpoint],
                       connectionOptions: ConnectionOptions(connectTimeoutMs: 1_000, commandTimeoutMs: 5_000), keyPrefix: uniquePrefix())
    }

    @Test("every connection killed mid-run: the lanes reopen them, grants resume, the witness sees no overlap", arguments: allClients)
    func reconnects(_ client: RedisClientKind) async throws {
        try await withFleet { fleet in
            let endpoint = fleet.endpoints[0]
            let run = Self.run(client, on: endpoint, reconnect: true)
            let task = Task { try await run.run() }
            let before = await run.waitForGrant(after: 0, boundMs: 20_000)
            let killedAt = LockClock.monotonicNanos()
            // The probe's own connection is spared (SKIPME); every lock and control connection goes.
            let killed = try probeCommands([["CLIENT", "KILL", "TYPE", "normal"]], at: endpoint)
            let after = await run.waitForGrant(after: killedAt, boundMs: 20_000)
            run.interrupt(reason: "test done")
            let outcome = try await task.value
            #expect(before != nil && after != nil, "grants before and after the kill")
            #expect((killed.first?.integer ?? 0) >= 4, "the lock connections were killed: \(killed)")
            #expect(outcome.fatalError == nil)
            #expect(outcome.reconnects >= 1)
            #expect(outcome.events?.firstGrant(after: killedAt) != nil)
            #expect(outcome.recorder.safety.mutexOverlaps == 0 && outcome.recorder.safety.doubleGrants == 0)
            #expect(outcome.undrained == 0)
        }
    }

    @Test("without a reconnect policy, killed connections end the run with a message")
    func endsWithoutReconnect() async throws {
        try await withFleet { fleet in
            let endpoint = fleet.endpoints[0]
            let run = Self.run(.native, on: endpoint, reconnect: false)
            let task = Task { try await run.run() }
            // 4 lock connections and the control connection, then the kill.
            #expect(await eventually { connectedClients(at: endpoint) >= 5 })
            _ = try probeCommands([["CLIENT", "KILL", "TYPE", "normal"]], at: endpoint)
            let outcome = try await task.value
            #expect(outcome.partial && outcome.fatalError != nil, "\(outcome.partialReason ?? "no reason")")
            #expect(outcome.reconnects == 0 && outcome.events == nil)
        }
    }
}
