import Foundation
import RESP
import RedisConnection
import RedisFleet
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A run deletes only its own keys: another run's keys under the same `lockbench:` root survive the
/// run's cleanup, whether the run finished, was interrupted, or lost a server.
@Suite("bench run leaves other runs' keys alone", .serialized)
struct IsolationTests {
    /// Keys another run of lockbench left on the server, with their values.
    static let foreign = ["lockbench:other-run:k1": "held-by-someone-else", "lockbench:other-run:0:fence": "41"]

    static func plant(on endpoint: Endpoint) throws {
        for (key, value) in foreign {
            #expect(try RedisProbe.command(["SET", key, value], at: endpoint) == .simpleString("OK"))
        }
    }

    /// Every foreign key is still there with its value, and no other `lockbench:` key is left.
    static func expectOnlyForeignKeys(on endpoint: Endpoint, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for (key, value) in foreign {
            #expect(try RedisProbe.command(["GET", key], at: endpoint) == .bulkString(Array(value.utf8)),
                    "\(key) on \(endpoint) was touched by the run", sourceLocation: sourceLocation)
        }
        let left = try keys(matching: "lockbench:*", at: endpoint).filter { foreign[$0] == nil }
        #expect(left.isEmpty, "the run's own keys were not cleaned up on \(endpoint): \(left.prefix(5))", sourceLocation: sourceLocation)
    }

    @Test("a finished run's cleanup")
    func finishedRun() async throws {
        try await withFleet { fleet in
            let endpoint = fleet.endpoints[0]
            try Self.plant(on: endpoint)
            // fenced + fifo: a lock key, a fencing counter and a queue per key, all under the run's prefix.
            let result = try await runBench([
                "run", "--server", endpoint.description, "--client", "native", "--algorithm", "fenced", "--wait", "fifo",
                "--contenders", "12", "--keys", "3", "--duration", "1s", "--warmup", "0",
            ])
            #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
            try Self.expectOnlyForeignKeys(on: endpoint)
        }
    }

    @Test("cleanup after Ctrl-C")
    func interruptedRun() async throws {
        try await withFleet { fleet in
            let endpoint = fleet.endpoints[0]
            try Self.plant(on: endpoint)
            let result = try await runBench(
                ["run", "--server", endpoint.description, "--client", "native", "--algorithm", "fenced", "--wait", "fifo",
                 "--contenders", "12", "--keys", "3", "--duration", "30s", "--warmup", "0"],
                afterStart: { pid in interrupt(pid) { connectedClients(at: endpoint) > 0 } })
            #expect(result.status == 130, "exit \(result.status): \(result.stderr)")
            #expect(result.stderr.contains("interrupted") || result.stdout.contains("PARTIAL"), "it was interrupted mid-run: \(result.stderr)")
            try Self.expectOnlyForeignKeys(on: endpoint)
        }
    }

    @Test("cleanup on the surviving Redlock masters after one is killed mid-run")
    func serverDeath() async throws {
        try await withFleet(count: 5) { fleet in
            for endpoint in fleet.endpoints { try Self.plant(on: endpoint) }
            let victim = 2
            let killed = Collector<Bool>()
            let result = try await runBench(
                ["run", "--client", "native", "--algorithm", "redlock", "--contenders", "12", "--keys", "3",
                 "--duration", "5s", "--warmup", "0"] + fleet.endpoints.flatMap { ["--server", $0.description] },
                afterStart: { _ in
                    onOwnThread {
                        waitBlocking { connectedClients(at: fleet.endpoints[victim]) > 0 }
                        usleep(1_500_000)
                        fleet.kill(victim)
                        killed.append(true)
                    }
                })
            // Redlock keeps its quorum with 4 of 5: either outcome is a finished run, not a crash or a usage error.
            #expect([0, 1].contains(result.status), "exit \(result.status): \(result.stderr)")
            #expect(killed.count == 1 && fleet.pid(victim) == nil, "the fault was placed: master \(victim) was killed mid-run")
            for (index, endpoint) in fleet.endpoints.enumerated() where index != victim {
                try Self.expectOnlyForeignKeys(on: endpoint)
            }
        }
    }
}
