import Foundation
import RedisConnection
import RedisFleet
import Testing
import TestSupport

/// `bench run --shard I/N`: shards of one run meet at a barrier on the target, share the run id and
/// keys, report their clock offset, and leave no key behind; bad shard input is refused by name.
@Suite("bench run --shard", .serialized)
struct ShardTests {
    static func shardArguments(_ shard: String, server: Endpoint, directory: URL, extra: [String] = []) -> [String] {
        let tag = shard.replacingOccurrences(of: "/", with: "of")
        return [
            "run", "--server", server.description, "--shard", shard, "--seed", "42", "--client", "native",
            "--contenders", "8", "--keys", "4", "--think", "1ms", "--duration", "1s", "--warmup", "0.2s",
            "--csv", directory.appendingPathComponent("\(tag).csv").path,
            "--json", directory.appendingPathComponent("\(tag).json").path,
            "--contenders-csv", directory.appendingPathComponent("\(tag)-contenders.csv").path,
        ] + extra
    }

    /// A server and an output directory, both gone afterwards.
    static func withServerAndDirectory(_ body: (Endpoint, URL) async throws -> Void) async throws {
        try await withFleet { fleet in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lockbench-shard-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            try await body(fleet.endpoints[0], directory)
        }
    }

    @Test("two shards meet at the barrier, share the run id, split the contenders and leave no key")
    func twoShards() async throws {
        try await Self.withServerAndDirectory { endpoint, directory in
            async let first = runBench(Self.shardArguments("0/2", server: endpoint, directory: directory))
            async let second = runBench(Self.shardArguments("1/2", server: endpoint, directory: directory))
            let results = try await [first, second]
            for (index, result) in results.enumerated() {
                #expect(result.status == 0, "shard \(index) exited \(result.status): \(result.stderr)")
            }
            let rows = try (0..<2).map { try CSVFile(path: directory.appendingPathComponent("\($0)of2.csv").path).rows }
            try #require(rows.allSatisfy { $0.count == 1 }, "one summary row per shard")
            let (a, b) = (rows[0][0], rows[1][0])
            #expect(a["run_id"] == b["run_id"] && a["run_id"]?.isEmpty == false, "the shards report one run id: \(a["run_id"] ?? "-") vs \(b["run_id"] ?? "-")")
            #expect(a["shard"] == "0" && b["shard"] == "1")
            #expect(a["shards"] == "2" && b["shards"] == "2")
            #expect(a["contenders"] == "8" && b["contenders"] == "8", "both carry the run's total contenders")
            #expect(a["seed"] != b["seed"], "each shard draws from its own seed")
            for row in [a, b] {
                #expect(Double(row["clock_offset_us"] ?? "") != nil, "clock offset reported: \(row)")
                #expect((Double(row["clock_offset_uncertainty_us"] ?? "") ?? -1) >= 0)
            }
            let acquisitions = [a, b].compactMap { Int($0["acquisitions"] ?? "") }
            #expect(acquisitions.count == 2 && acquisitions.reduce(0, +) > 0, "the shards measured grants: \(acquisitions)")
            // Per-contender rows carry global indices: together, every contender exactly once.
            let contenders = try (0..<2).flatMap { try CSVFile(path: directory.appendingPathComponent("\($0)of2-contenders.csv").path).rows }
            #expect(contenders.compactMap { Int($0["contender"] ?? "") }.sorted() == Array(0..<8))
            #expect(contenders.allSatisfy { Int($0["key"] ?? "") == Int($0["contender"] ?? "").map { $0 % 4 } }, "fixed keys follow the global index")
            var starts = Set<Int64>()
            for shard in 0..<2 {
                let json = try String(contentsOf: directory.appendingPathComponent("\(shard)of2.json"), encoding: .utf8)
                #expect(json.contains("\"clockOffset\"") && json.contains("\"shard\""), "the JSON records the shard and its clock")
                starts.insert(try Self.windowStart(json))
            }
            #expect(starts.count == 1, "both shards measured the same window on the server's clock: \(starts)")
            let left = try keys(matching: "lockbench:*", at: endpoint)
            #expect(left.isEmpty, "keys left after both shards: \(left.prefix(5))")
        }
    }

    /// `serverWindowStartUs` of the (single) result in a run's JSON.
    static func windowStart(_ json: String) throws -> Int64 {
        let range = try #require(json.range(of: #""serverWindowStartUs"\s*:\s*\d+"#, options: .regularExpression), "serverWindowStartUs in the JSON")
        return try #require(Int64(json[range].split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? ""))
    }

    @Test("a shard whose peers never come fails at the barrier timeout with exit 2, and cleans up")
    func barrierTimeout() async throws {
        try await Self.withServerAndDirectory { endpoint, directory in
            let result = try await runBench(Self.shardArguments("0/2", server: endpoint, directory: directory, extra: ["--barrier-timeout", "2s"]), boundSeconds: 60)
            #expect(result.status == 2, "exit \(result.status): \(result.stderr)")
            #expect(result.stderr.contains("1 of 2 shards arrived"), "the message names who arrived: \(result.stderr)")
            #expect(result.stderr.contains("--barrier-timeout"))
            let left = try keys(matching: "lockbench:*", at: endpoint)
            #expect(left.isEmpty, "keys left after the barrier timed out: \(left.prefix(5))")
        }
    }

    @Test("the Indexed Job environment stands in for --shard")
    func environment() async throws {
        let result = try await runBench(
            ["run", "--client", "native", "--duration", "1s"], environment: ["JOB_COMPLETION_INDEX": "0", "JOB_COMPLETIONS": "2"], boundSeconds: 30)
        // No target: the environment made it a shard, so it must refuse the embedded server.
        #expect(result.status == 64, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("--server, --cluster or --sentinel"), "\(result.stderr)")
        #expect(result.children.isEmpty)
    }

    static let refusals: [(arguments: [String], mentions: [String])] = [
        (["--shard", "0/2", "--seed", "1"], ["--shard", "--server, --cluster or --sentinel"]),
        (["--shard", "3/2", "--server", "127.0.0.1:1", "--seed", "1"], ["--shard", "3/2", "0...1"]),
        (["--shard", "1/0", "--server", "127.0.0.1:1", "--seed", "1"], ["--shard", "1/0"]),
        (["--shard", "x", "--server", "127.0.0.1:1", "--seed", "1"], ["--shard", "'x'", "I/N"]),
        (["--shard", "0/2", "--server", "127.0.0.1:1"], ["--shard", "--seed", "--run-id"]),
        (["--shard", "0/9", "--server", "127.0.0.1:1", "--seed", "1", "--contenders", "4", "--keys", "2"], ["--contenders", "9 shards"]),
        (["--shard", "0/2", "--server", "127.0.0.1:1", "--seed", "1", "--barrier-timeout", "soon"], ["--barrier-timeout", "soon"]),
        (["--run-id", "a:b"], ["--run-id", "a:b"]),
    ]

    @Test("bad shard input is refused with exit 64, naming the flag", arguments: refusals.indices)
    func refused(index: Int) async throws {
        let (arguments, mentions) = Self.refusals[index]
        let result = try await runBench(["run", "--client", "native"] + arguments, boundSeconds: 30)
        #expect(result.status == 64, "bench run \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        for word in mentions { #expect(result.stderr.contains(word), "stderr lacks '\(word)': \(result.stderr)") }
        #expect(result.children.isEmpty, "no server may be started for a usage error")
    }
}
