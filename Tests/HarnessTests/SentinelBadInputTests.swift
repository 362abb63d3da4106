import Foundation
import Harness
import LoadDriver
import Locks
import RedisConnection
import RedisFleet
import TestSupport
import Testing

/// Bad Sentinel targets are refused before anything is measured, each naming the flag to fix, and
/// sentinels that want a password get theirs, apart from the data servers'.
@Suite(.serialized) struct SentinelBadInputTests {
    static func refusal(_ deployment: Deployment, client: RedisClientKind = .native, connection: ConnectionSettings = ConnectionSettings()) async -> String? {
        var scenario = SentinelTargetTests.scenario(client, deployment)
        scenario.connection = connection
        do {
            let session = try await HarnessSession.open(for: [scenario], catchInterrupts: false)
            await session.close()
            return nil
        } catch {
            return error.description
        }
    }

    @Test("an unknown master name, a plain Redis given as a sentinel, and a sentinel given as a server are each refused")
    func refusals() async throws {
        try await SentinelTargetTests.withTopology { topology in
            let sentinels = topology.sentinelEndpoints
            let unknown = await Self.refusal(.sentinel(.external(sentinels: sentinels, masterName: "no-such-primary")))
            #expect(unknown?.contains("--master-name") == true, "\(unknown ?? "accepted")")
            #expect(unknown?.contains("it monitors: \(topology.masterName)") == true, "\(unknown ?? "accepted")")

            let plain = topology.servers.endpoints[0]
            let notSentinel = await Self.refusal(.sentinel(.external(sentinels: [plain], masterName: topology.masterName)))
            #expect(notSentinel?.contains("--sentinel \(plain) is not a Sentinel") == true, "\(notSentinel ?? "accepted")")

            for client in allClients {
                let server = await Self.refusal(.standalone(.external([sentinels[0]])), client: client)
                #expect(server?.contains("--server \(sentinels[0]) is a Sentinel") == true, "\(client): \(server ?? "accepted")")
                #expect(server?.contains("--master-name \(topology.masterName)") == true, "\(client): \(server ?? "accepted")")
            }
        }
    }

    @Test("bench run exits 2 on a master name the sentinels do not know, listing the ones they do")
    func unknownNameExitCode() async throws {
        try await SentinelTargetTests.withTopology { topology in
            let result = try await runBench(
                ["run", "--sentinel", topology.sentinelEndpoints[0].description, "--master-name", "no-such-primary",
                 "--duration", "1s", "--client", "native"], boundSeconds: 60)
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains("--master-name"), "\(result.stderr)")
            #expect(result.stderr.contains(topology.masterName), "\(result.stderr)")
        }
    }

    @Test("a sentinel with a password: refused without one, naming the sentinel flags; followed with it")
    func sentinelPassword() async throws {
        let path = NSTemporaryDirectory() + "lockbench-sentinel-pw-\(UInt64.random(in: 0...UInt64.max))"
        try Data("sentinel-s3cret\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await SentinelTargetTests.withTopology { topology in
            let sentinel = topology.sentinelEndpoints[0]
            // The data servers keep no password: the sentinel's must not be sent to them.
            let set = try RedisProbe.command(["ACL", "SETUSER", "default", "on", ">sentinel-s3cret"], at: sentinel)
            #expect(set.errorMessage == nil, "\(set)")
            let deployment = Deployment.sentinel(.external(sentinels: [sentinel], masterName: topology.masterName))
            let refused = await Self.refusal(deployment)
            #expect(refused?.contains("--sentinel-password-env") == true, "\(refused ?? "accepted")")

            var scenario = SentinelTargetTests.scenario(.native, deployment)
            scenario.connection.sentinelPassword = .file(path: path)
            scenario.requests = 50
            scenario.durationS = 30
            let session = try await HarnessSession.open(for: [scenario], catchInterrupts: false)
            let result = try await session.run(scenario, runID: "t", keyPrefix: uniquePrefix())
            await session.close()
            #expect(result.endpoints == [topology.primaryEndpoint])
            #expect(result.measurements.acquisitions > 0)
            #expect(result.failovers?.isEmpty == true)
        }
    }

    @Test("sentinel credentials without a sentinel target are refused, naming the flag")
    func sentinelFlagsNeedSentinels() {
        var settings = ScenarioSettings()
        settings.sentinelPassword = .file(path: "/dev/null")
        #expect { _ = try settings.scenario(client: .native) } throws: { "\($0)".hasPrefix("--sentinel-password-file applies to sentinels only") }
        settings.sentinels = [.tcp(host: "127.0.0.1", port: 26379)]
        settings.masterName = "mymaster"
        settings.sentinelPassword = .environment(variable: "LOCKBENCH_SURELY_UNSET_SENTINEL_VAR")
        #expect { _ = try settings.scenario(client: .native) } throws: { "\($0)".contains("LOCKBENCH_SURELY_UNSET_SENTINEL_VAR") }
    }
}
