import BenchMetrics
import Foundation
import RedisConnection
import Reports
import Testing
import TestSupport

/// Safety across shards: two `bench run --shard` processes on one server, holders outliving their
/// TTL. Each shard's grant log maps onto the server's timeline, and the analyser finds the overlaps
/// between shards; with `fenced`, the stale writes are refused.
@Suite("bench run --grants-log across shards", .serialized)
struct CrossShardSafetyCLITests {
    /// Two shards of 2 contenders each on one key; holds of 30–90 ms past a 20 ms TTL, so holds are
    /// overtaken by another holder, and a later holder often writes before an earlier one.
    static func runTwoShards(algorithm: String, endpoint: Endpoint, directory: URL) async throws -> [GrantLog] {
        func arguments(_ shard: Int) -> [String] {
            [
                "run", "--server", endpoint.description, "--shard", "\(shard)/2", "--seed", "7", "--client", "native",
                "--algorithm", algorithm, "--contenders", "4", "--keys", "1", "--ttl", "20ms", "--hold", "uniform:30ms-90ms",
                "--duration", "1.5s", "--warmup", "0.2s",
                "--csv", directory.appendingPathComponent("\(shard).csv").path,
                "--grants-log", directory.appendingPathComponent("\(shard).grants.jsonl").path,
            ]
        }
        async let first = runBench(arguments(0))
        async let second = runBench(arguments(1))
        let results = try await [first, second]
        for (index, result) in results.enumerated() {
            try #require(result.status == 0, "shard \(index) exited \(result.status): \(result.stderr)")
        }
        return try (0..<2).map { try GrantLogFile.read(directory.appendingPathComponent("\($0).grants.jsonl").path) }
    }

    @Test("setnx-px with a hold past the TTL: the shards' grant logs overlap across shards")
    func setnxOverlapsAcrossShards() async throws {
        try await ShardTests.withServerAndDirectory { endpoint, directory in
            let logs = try await Self.runTwoShards(algorithm: "setnx-px", endpoint: endpoint, directory: directory)
            #expect(logs.map(\.shard) == [0, 1] && logs.allSatisfy { $0.shards == 2 })
            #expect(logs.allSatisfy { !$0.grants.isEmpty && $0.uncertaintyUs >= 0 }, "each shard logged grants")
            #expect(logs.allSatisfy { $0.grants.allSatisfy { $0.endUs >= $0.grantedUs && $0.fencingToken == nil } })
            let verdict = CrossShardSafety.analyse(logs: logs)
            #expect(verdict.crossShardViolations > 0, "overlaps between shards: \(verdict)")
            #expect(verdict.worst.first.map { $0.overlapUs > $0.uncertaintyUs } == true)
        }
    }

    @Test("fenced with a hold past the TTL: stale writes are rejected, and the logs carry rising tokens")
    func fencedRejectsStaleWrites() async throws {
        try await ShardTests.withServerAndDirectory { endpoint, directory in
            let logs = try await Self.runTwoShards(algorithm: "fenced", endpoint: endpoint, directory: directory)
            let rows = try (0..<2).map { try CSVFile(path: directory.appendingPathComponent("\($0).csv").path).rows }
            let rejected = rows.compactMap { Int($0.first?["stale_writes_rejected"] ?? "") }
            #expect(rejected.count == 2 && rejected.reduce(0, +) > 0, "stale writes rejected per shard: \(rejected)")
            // The tokens come from one INCR on the server: unique across the shards.
            let tokens = logs.flatMap { $0.grants.compactMap(\.fencingToken) }
            #expect(tokens.count == logs.reduce(0) { $0 + $1.grants.count } && Set(tokens).count == tokens.count, "one token per grant, none repeated")
            let verdict = CrossShardSafety.analyse(logs: logs)
            #expect(verdict.crossShardStaleWrites > 0, "a resource shared by the shards refuses writes overtaken by the other shard: \(verdict)")
        }
    }

    @Test("--grants-log with two clients is refused with exit 64")
    func refusedForSeveralRuns() async throws {
        let result = try await runBench(["run", "--client", "both", "--grants-log", "/tmp/unused.jsonl"], boundSeconds: 30)
        #expect(result.status == 64, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("--grants-log"), "\(result.stderr)")
        #expect(result.children.isEmpty)
    }

    @Test("bench sweep --grants-log is refused with exit 64")
    func refusedForSweep() async throws {
        let result = try await runBench(["sweep", "--grants-log", "/tmp/unused.jsonl"], boundSeconds: 30)
        #expect(result.status == 64, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("--grants-log") && result.stderr.contains("bench run"), "\(result.stderr)")
        #expect(result.children.isEmpty)
    }
}
