import Foundation
import RedisFleet
import Testing
import TestSupport

extension MergeTests {
    @Test("3 local shards: the merged grants equal the server's own count of grants under the run's prefix")
    func mergedGrantsEqualServerCount() async throws {
        try await withFleet(options: RedisServerOptions(extraConfig: [ServerGrantCount.serverConfig])) { fleet in
            try await Self.withDirectory { directory in
                let endpoint = fleet.endpoints[0]
                let runID = "grants-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
                // Subscribed before any shard starts, unsubscribed after every shard has exited.
                let server = try await ServerGrantCount.subscribe(at: endpoint, prefix: "lockbench:\(runID):", keys: 3)
                let csv = directory.appendingPathComponent("merged.csv")
                let run = try await runBench(Self.shardsArguments(
                    directory, server: endpoint, extra: ["--run-id", runID, "--algorithm", "setnx-px", "--csv", csv.path]))
                let events = try await server.finish()
                try #require(run.status == 0, "bench run --shards 3 exited \(run.status): \(run.stderr)")

                let merged = try Self.result(directory.appendingPathComponent("merged.json"))
                let shards = try (0..<3).map { try Self.result(Self.shardDirectory(directory, $0).appendingPathComponent("run.json")) }
                let serverGrants = events.lockKeys.values.reduce(0, +)
                let total = try #require(merged.measurements.grantsTotal, "the merged JSON carries grantsTotal")
                let window = merged.measurements.acquisitions
                print("server counted \(serverGrants) grants on \(events.lockKeys.count) lock keys (\(events.others.count) other keys SET: \(events.others.keys.sorted())); merged grants_total \(total); merged window acquisitions \(window)")
                // An error could be a SET the server ran whose reply the shard never read: equality needs none.
                try #require(merged.measurements.errors == 0, "errors: \(merged.measurements.errorsByKind)")
                #expect(serverGrants > 0, "the server saw grants: \(events)")
                #expect(Set(events.lockKeys.keys).count == 3, "every one of the 3 lock keys was granted: \(events.lockKeys.keys.sorted())")
                #expect(total == serverGrants, "merged grants_total \(total) vs the server's \(serverGrants) set events")
                #expect(window > 0 && window <= total, "the window's acquisitions \(window) are among the run's \(total) grants")
                #expect(total == shards.compactMap(\.measurements.grantsTotal).reduce(0, +) && shards.allSatisfy { $0.measurements.grantsTotal != nil })
                for shard in shards {
                    #expect(shard.measurements.acquisitions <= shard.measurements.grantsTotal ?? -1, "shard \(shard.scenario.shard?.index ?? -1)")
                }
                // The barrier's `SET …:barrier:start NX` is a SET under the same prefix, and is not a grant.
                #expect(events.others.keys.contains { $0.hasPrefix("lockbench:\(runID):") && $0.hasSuffix("barrier:start") }, "\(events.others)")
                let row = try #require(try CSVFile(path: csv.path).rows.first)
                #expect(row["grants_total"] == "\(serverGrants)" && row["acquisitions"] == "\(window)", "CSV row: \(row["grants_total"] ?? "-"), \(row["acquisitions"] ?? "-")")
                #expect(run.stdout.contains("\(total) grants in the run (\(window) in the window)"), "\(run.stdout)")
            }
        }
    }
}
