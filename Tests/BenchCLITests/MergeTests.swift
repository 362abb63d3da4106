import BenchMetrics
import Foundation
import HdrLog
import LoadDriver
import RedisConnection
import RedisFleet
import Reports
import Testing
import TestSupport

/// `bench run --shards N` and `bench merge`: N local shards against one server merge into exactly
/// the figures one histogram holding every sample gives; shards that are not one whole run are refused.
@Suite("bench merge and bench run --shards", .serialized)
struct MergeTests {
    static func shardsArguments(_ directory: URL, server: Endpoint?, shards: Int = 3, extra: [String] = []) -> [String] {
        ["run", "--shards", "\(shards)", "--client", "native", "--contenders", "9", "--keys", "3", "--think", "1ms",
         "--duration", "1s", "--warmup", "0.2s", "--shards-dir", directory.appendingPathComponent("shards").path,
         "--json", directory.appendingPathComponent("merged.json").path,
         "--hlog", directory.appendingPathComponent("hlog").path]
            + (server.map { ["--server", $0.description] } ?? []) + extra
    }

    static func withDirectory(_ body: (URL) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lockbench-merge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(directory)
    }

    static func result(_ url: URL) throws -> RunResult {
        let results = try JSONReportWriter.decode(try Data(contentsOf: url))
        return try #require(results.first)
    }

    static func shardDirectory(_ directory: URL, _ index: Int) -> URL {
        directory.appendingPathComponent("shards/shard-\(index)")
    }

    /// The one interval log in `directory`.
    static func hlog(in directory: URL) throws -> IntervalLog {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".hlog") }
        try #require(names.count == 1, "one .hlog in \(directory.path): \(names)")
        return try IntervalLog(parsing: String(contentsOf: directory.appendingPathComponent(names[0]), encoding: .utf8))
    }

    /// The `value:count` pairs a histogram's JSON holds, summed into `counts`: a bucket-by-bucket sum
    /// that does not go through `ClampingHistogram.merge`.
    static func addBuckets(_ histogram: ClampingHistogram, into counts: inout [UInt64: UInt64]) throws {
        let json = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(histogram)) as? [String: Any]
        let buckets = try #require(json?["buckets"] as? String)
        for pair in buckets.split(separator: " ") {
            let parts = pair.split(separator: ":")
            try #require(parts.count == 2)
            counts[try #require(UInt64(parts[0])), default: 0] += try #require(UInt64(parts[1]))
        }
    }

    @Test("3 local shards against one server merge exactly: histograms count for count, percentiles of every sample")
    func exactMerge() async throws {
        try await withFleet { fleet in
            try await Self.withDirectory { directory in
                let run = try await runBench(Self.shardsArguments(directory, server: fleet.endpoints[0]))
                try #require(run.status == 0, "bench run --shards 3 exited \(run.status): \(run.stderr)")
                let merged = try Self.result(directory.appendingPathComponent("merged.json"))
                let shards = try (0..<3).map { try Self.result(Self.shardDirectory(directory, $0).appendingPathComponent("run.json")) }
                #expect(shards.map { $0.scenario.shard?.index } == [0, 1, 2])
                #expect(Set(shards.map(\.identity.runID)) == [merged.identity.runID])
                #expect(merged.scenario.shard == nil && merged.scenario.contenders == 9 && !merged.partial)

                var sum = shards[0].measurements.raw.acquireLatency
                for shard in shards.dropFirst() { sum.merge(shard.measurements.raw.acquireLatency) }
                let mergedHistogram = merged.measurements.raw.acquireLatency
                #expect(mergedHistogram.count > 0, "the shards measured grants")
                #expect(mergedHistogram == sum, "the merged acquire histogram is the sum of the shards'")
                var shardBuckets: [UInt64: UInt64] = [:]
                for shard in shards { try Self.addBuckets(shard.measurements.raw.acquireLatency, into: &shardBuckets) }
                var mergedBuckets: [UInt64: UInt64] = [:]
                try Self.addBuckets(mergedHistogram, into: &mergedBuckets)
                #expect(mergedBuckets == shardBuckets, "count for count, bucket by bucket")

                let every = try #require(LatencySummary(nanos: sum))
                let acquire = try #require(merged.measurements.acquire)
                #expect(acquire.count == every.count && acquire.p50Us == every.p50Us && acquire.p99Us == every.p99Us && acquire.maxUs == every.maxUs)
                #expect(merged.measurements.acquisitions == shards.map(\.measurements.acquisitions).reduce(0, +))
                #expect(merged.measurements.errors == shards.map(\.measurements.errors).reduce(0, +))
                // Fairness over all 9 contenders at their global indices: the shards' slices in order.
                #expect(merged.measurements.raw.grants == shards.flatMap(\.measurements.raw.grants))
                #expect(merged.measurements.fairness == Fairness(grants: shards.flatMap(\.measurements.raw.grants)))
                // Per-second series: second s of the merged run is second s of every shard (one window).
                let seconds = shards.map(\.measurements.raw.timeline.seconds).max() ?? 0
                for s in 0..<seconds {
                    let total = shards.reduce(0) { $0 + (s < $1.measurements.raw.timeline.seconds ? $1.measurements.raw.timeline.acquisitions[s] : 0) }
                    #expect(merged.measurements.raw.timeline.acquisitions[s] == total, "second \(s)")
                }
                // The merged .hlog's acquire intervals add up to the shards' own .hlog files, bucket by bucket.
                let mergedLog = try Self.hlog(in: directory.appendingPathComponent("hlog"))
                let shardTotals = try (0..<3).map { try #require(try Self.hlog(in: Self.shardDirectory(directory, $0)).total(tag: "acquire")) }
                let starts = try (0..<3).map { try Self.hlog(in: Self.shardDirectory(directory, $0)).startTime }
                #expect(Set(starts + [mergedLog.startTime]).count == 1, "every log starts at the window's start on the server's clock: \(starts), \(mergedLog.startTime)")
                var shardSum = shardTotals[0]
                for total in shardTotals.dropFirst() { shardSum.add(total) }
                let mergedTotal = try #require(mergedLog.total(tag: "acquire"))
                #expect(mergedTotal.totalCount > 0 && mergedTotal == shardSum, "merged .hlog \(mergedTotal.totalCount) vs shards' \(shardSum.totalCount)")
                let left = try keys(matching: "lockbench:*", at: fleet.endpoints[0])
                #expect(left.isEmpty, "keys left after the shards: \(left.prefix(5))")
            }
        }
    }

    /// Writes `body`'s edit of the JSON at `source` to a new shard directory `name` and returns it.
    static func editedShard(_ source: URL, in directory: URL, name: String, _ body: (inout [String: Any]) -> Void) throws -> URL {
        var json = try #require(try JSONSerialization.jsonObject(with: try Data(contentsOf: source.appendingPathComponent("run.json"))) as? [String: Any])
        body(&json)
        let target = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: json).write(to: target.appendingPathComponent("run.json"))
        return target
    }

    static func edit(_ json: inout [String: Any], _ section: String, _ key: String, _ value: Any) {
        var inner = json[section] as? [String: Any] ?? [:]
        inner[key] = value
        json[section] = inner
    }

    @Test("bench merge refuses other runs, other scenarios, duplicate, missing and overlapping shards; a partial shard makes a partial run")
    func refusals() async throws {
        try await Self.withDirectory { directory in
            // No target: the parent starts the server the shards share.
            let run = try await runBench(Self.shardsArguments(directory, server: nil))
            try #require(run.status == 0, "bench run --shards 3 exited \(run.status): \(run.stderr)")
            let s = (0..<3).map { Self.shardDirectory(directory, $0) }
            func merge(_ dirs: [URL], _ extra: [String] = []) async throws -> BenchResult {
                try await runBench(["merge"] + dirs.map(\.path) + extra)
            }
            let whole = try await merge(s, ["--json", directory.appendingPathComponent("again.json").path])
            #expect(whole.status == 0, "\(whole.stderr)")
            let again = try Self.result(directory.appendingPathComponent("again.json"))
            #expect(again.measurements.raw.acquireLatency == (try Self.result(directory.appendingPathComponent("merged.json"))).measurements.raw.acquireLatency)

            let otherRun = try Self.editedShard(s[2], in: directory, name: "other-run") { Self.edit(&$0, "identity", "runID", "someone-else") }
            let otherScenario = try Self.editedShard(s[2], in: directory, name: "other-scenario") { Self.edit(&$0, "scenario", "keys", 7) }
            let overlapping = try Self.editedShard(s[2], in: directory, name: "overlapping") { json in
                var scenario = json["scenario"] as? [String: Any] ?? [:]
                var shard = scenario["shard"] as? [String: Any] ?? [:]
                shard["count"] = 4
                scenario["shard"] = shard
                json["scenario"] = scenario
            }
            let duplicate = try Self.editedShard(s[1], in: directory, name: "duplicate") { _ in }
            let cases: [(String, [URL], String)] = [
                ("different runs", [s[0], s[1], otherRun], "from run someone-else"),
                ("different scenarios", [s[0], s[1], otherScenario], "different scenario"),
                ("duplicate shards", [s[0], s[1], duplicate, s[2]], "duplicate shard 1/3"),
                ("the same directory twice", [s[0], s[1], s[1], s[2]], "given twice"),
                ("missing shards", [s[0], s[2]], "2 of 3 shards: missing shard 1/3"),
                ("overlapping shard ids", [s[0], s[1], overlapping], "overlapping shard ids"),
                ("a merged run", [directory.appendingPathComponent("merged.json")], "not a shard's result"),
            ]
            for (label, dirs, message) in cases {
                let refused = try await merge(dirs)
                #expect(refused.status == 64, "\(label): exit \(refused.status), \(refused.stderr)")
                #expect(refused.stderr.contains(message), "\(label): \(refused.stderr)")
            }
            let unreadable = try await merge([directory.appendingPathComponent("no-such-shard")])
            #expect(unreadable.status == 2 && unreadable.stderr.contains("no such file"), "\(unreadable.stderr)")

            let partial = try Self.editedShard(s[1], in: directory, name: "partial") { json in
                json["partial"] = true
                json["partialReason"] = "interrupted (SIGINT)"
            }
            let marked = try await merge([s[0], partial, s[2]], ["--json", directory.appendingPathComponent("partial.json").path])
            #expect(marked.status == 0, "\(marked.stderr)")
            let partialResult = try Self.result(directory.appendingPathComponent("partial.json"))
            #expect(partialResult.partial && partialResult.partialReason?.contains("shard 1") == true, "\(partialResult.partialReason ?? "-")")
        }
    }

    @Test("bench run --shards refuses two clients, --shard beside it, and more shards than contenders")
    func badShardsInput() async throws {
        let cases: [([String], String)] = [
            (["run", "--shards", "2", "--duration", "1s"], "--client native"),
            (["run", "--shards", "2", "--client", "native", "--shard", "0/2", "--server", "127.0.0.1:1", "--seed", "1"], "drop --shard"),
            (["run", "--shards", "5", "--client", "native", "--contenders", "3"], "at least one contender per shard"),
            (["run", "--shards", "0", "--client", "native"], "--shards must be 1...64"),
        ]
        for (arguments, message) in cases {
            let result = try await runBench(arguments)
            #expect(result.status == 64, "\(arguments): exit \(result.status), \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }
}

extension MergeTests {
    @Test("Ctrl-C reaches every shard: the merged run is written, partial, exit 130, and no child outlives bench")
    func interruptedShards() async throws {
        try await Self.withDirectory { directory in
            let arguments = Self.shardsArguments(directory, server: nil, shards: 2) + ["--duration", "60s", "--warmup", "0"]
            let result = try await runBench(arguments, boundSeconds: 180, afterStart: { pid in
                // The embedded server and both shards are up, then the window has run a while.
                interrupt(pid, settleMicroseconds: 3_000_000) { childPIDs(of: pid).count >= 3 }
            })
            for child in result.children { #expect(isGone(child), "\(child) outlived bench run --shards") }
            #expect(result.status == 130, "exit \(result.status): \(result.stderr)")
            let merged = try Self.result(directory.appendingPathComponent("merged.json"))
            #expect(merged.partial, "the merged run is marked partial")
            #expect(merged.measurements.acquisitions > 0, "what the shards measured before Ctrl-C is kept")
        }
    }
}
