import Foundation
import Harness
import LoadDriver
import Locks
import RESP
import RedisConnection
import RedisFleet
import TestSupport
import Testing

/// The harness against real servers: the handshake refuses what would only measure errors, the
/// password comes from its source, and the run's keys go while other keys stay.
@Suite struct HarnessSessionTests {
    func scenario(_ client: RedisClientKind, on endpoints: [Endpoint], password: CredentialsSource? = nil) -> Scenario {
        Scenario(
            client: client, deployment: .standalone(.external(endpoints)), connection: ConnectionSettings(password: password),
            lock: LockSpec(algorithm: .setnxPX, wait: .spin, ttlMs: 10_000),
            contenders: 4, keys: 2, connections: 1, pipeline: 0, hold: .fixed(us: 0), think: .fixed(us: 0), mode: .closed,
            durationS: 30, warmupS: 0, requests: 200, seed: 1, queues: 1)
    }

    @Test("a server that wants a password and gets none is refused before the run, naming the flags", arguments: allClients)
    func noCredentials(client: RedisClientKind) async throws {
        try await withFleet(options: RedisServerOptions(password: "s3cret")) { fleet in
            let error = await #expect(throws: HarnessError.self) {
                _ = try await HarnessSession.open(for: [scenario(client, on: fleet.endpoints)], catchInterrupts: false)
            }
            #expect(error?.description.contains("--password-env") == true, "\(String(describing: error))")
        }
    }

    @Test("the password file is read at connect time; the run's keys are deleted and another run's stay", arguments: allClients)
    func passwordFileAndCleanup(client: RedisClientKind) async throws {
        let path = NSTemporaryDirectory() + "lockbench-pw-\(UInt64.random(in: 0...UInt64.max))"
        try Data("s3cret\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await withFleet(options: RedisServerOptions(password: "s3cret")) { fleet in
            let options = ConnectionOptions(credentials: Credentials(password: "s3cret"))
            let admin = try await connector(.native).connect(to: fleet.endpoints[0], options: options)
            defer { admin.close() }
            _ = try await admin.send(["SET", "lockbench:other-run:keep", "1"])

            let run = scenario(client, on: fleet.endpoints, password: .file(path: path))
            let session = try await HarnessSession.open(for: [run], catchInterrupts: false)
            let prefix = uniquePrefix()
            let result = try await session.run(run, runID: "t", keyPrefix: prefix)
            await session.close()

            #expect(result.measurements.acquisitions > 0)
            #expect(result.measurements.errors == 0)
            #expect(result.endpoints == fleet.endpoints)
            let left = try await admin.send(["KEYS", .string(prefix + "*")])
            #expect(left.elements?.isEmpty == true, "keys left under the run's prefix: \(left)")
            #expect(try await admin.send(["GET", "lockbench:other-run:keep"]).string == "1")
        }
    }

    @Test("clients alternate over rounds: A B, B A, A B")
    func interleaving() {
        #expect(ClientOrder.interleaved([.native, .hiredis], rounds: 3) == [[.native, .hiredis], [.hiredis, .native], [.native, .hiredis]])
        #expect(ClientOrder.interleaved([.native], rounds: 2) == [[.native], [.native]])
    }

    @Test("settings refuse what cannot run, naming the flag and the value")
    func settingsRefuse() {
        var settings = ScenarioSettings()
        settings.algorithm = .redlock
        settings.wait = .fifo
        #expect { _ = try settings.scenario(client: .native) } throws: { "\($0)".hasPrefix("--wait 'fifo' is invalid") }
        settings = ScenarioSettings()
        settings.servers = [.tcp(host: "127.0.0.1", port: 1)]
        settings.algorithm = .redlock
        #expect { _ = try settings.scenario(client: .native) } throws: { "\($0)".contains("--redlock-nodes 5") }
        settings = ScenarioSettings()
        settings.password = .environment(variable: "LOCKBENCH_SURELY_UNSET_VAR")
        #expect { _ = try settings.scenario(client: .native) } throws: { "\($0)".contains("LOCKBENCH_SURELY_UNSET_VAR") }
    }

    @Test("an embedded scenario's deployment follows its lock")
    func embeddedDeployment() throws {
        var settings = ScenarioSettings()
        #expect(try settings.scenario(client: .native).deployment == .standalone(.embedded(count: 1, transport: .tcp)))
        settings.algorithm = .redlock
        settings.unix = true
        #expect(try settings.scenario(client: .native).deployment == .redlock(.embedded(count: 5, transport: .unix)))
    }
}
