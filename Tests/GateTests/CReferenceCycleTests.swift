import TestSupport
import Calibration
import LoadDriver
import Locks
import RedisConnection
import Testing

/// The C reference client against a real redis-server: it runs the cycle, releases every lock it was
/// granted, and refuses a scenario that is not its cycle.
@Suite("C reference lock cycle")
struct CReferenceCycleTests {
    static func scenario(contenders: Int, keys: Int, connections: Int, pipeline: Int, hold: Int = 0) -> Scenario {
        Scenario(
            client: .native, lock: LockSpec(algorithm: .setnxPX, wait: .spin, ttlMs: 10_000), contenders: contenders, keys: keys,
            connections: connections, pipeline: pipeline, hold: .fixed(us: hold), think: .fixed(us: 0), mode: .closed,
            durationS: 0.3, warmupS: 0.1, requests: nil, seed: 1, queues: 2)
    }

    @Test("shared keys, a pipeline cap below the contenders per connection: granted, no errors, no lock left behind")
    func cycle() async throws {
        try await withFleet { fleet in
            let prefix = uniquePrefix()
            let cycle = try await CReferenceCycle.measure(
                Self.scenario(contenders: 12, keys: 4, connections: 3, pipeline: 2), endpoint: fleet.endpoints[0], keyPrefix: prefix)
            #expect(cycle.acquisitions > 0)
            #expect(cycle.errors == 0)
            #expect(cycle.acquireP50Us != nil)
            let connection = try await connector(.native).connect(to: fleet.endpoints[0])
            defer { connection.close() }
            #expect(try await connection.deleteKeys(prefix: prefix) == 0)
        }
    }

    @Test("a scenario with a hold is not its cycle")
    func refusesHold() async throws {
        #expect(CReferenceCycle.mismatch(Self.scenario(contenders: 2, keys: 2, connections: 1, pipeline: 0, hold: 1_000)) != nil)
        await #expect(throws: CReferenceError.self) {
            try await CReferenceCycle.measure(
                Self.scenario(contenders: 2, keys: 2, connections: 1, pipeline: 0, hold: 1_000), endpoint: .tcp(host: "127.0.0.1", port: 1),
                keyPrefix: "x:")
        }
    }

    @Test("an unreachable server is an error naming it, not a hang")
    func unreachable() async throws {
        await #expect(throws: CReferenceError.self) {
            try await CReferenceCycle.measure(
                Self.scenario(contenders: 2, keys: 2, connections: 1, pipeline: 0), endpoint: .tcp(host: "127.0.0.1", port: 1), keyPrefix: "x:")
        }
    }
}
