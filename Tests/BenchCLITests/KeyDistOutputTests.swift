import TestSupport
import Foundation
import Testing

/// `--key-dist` through the `bench` binary: the scenario is recorded in every output, and the per-key
/// CSV agrees with the summary.
@Suite("bench run --key-dist outputs")
struct KeyDistOutputTests {
    @Test("zipf on both clients: key_dist and the hottest key in the CSV, per-key rows summing to the acquisitions, the JSON's scenario")
    func zipfOutputs() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("runs.csv").path
        let keysCSV = dir.appendingPathComponent("keys.csv").path
        let contendersCSV = dir.appendingPathComponent("contenders.csv").path
        let json = dir.appendingPathComponent("run.json").path
        let result = try await runBench([
            "run", "--client", "both", "--key-dist", "zipf:0.99", "--contenders", "8", "--keys", "30", "--connections", "2",
            "--queues", "2", "--hold", "0", "--duration", "1s", "--warmup", "200ms",
            "--csv", csv, "--keys-csv", keysCSV, "--contenders-csv", contendersCSV, "--json", json,
        ])
        #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
        #expect(result.stdout.contains("hottest key (native): key "), "summary lacks the hottest-key line: \(result.stdout.prefix(800))")
        #expect(result.stdout.contains("drawn zipf:0.99 per acquisition"))

        let summary = try CSVFile(path: csv)
        #expect(summary.rows.count == 2)
        let perKey = try CSVFile(path: keysCSV)
        #expect(perKey.rows.count == 2 * 30, "one row per key per client")
        for row in summary.rows {
            #expect(row["key_dist"] == "zipf:0.99")
            let client = try #require(row["client"])
            let acquisitions = try #require(Int(row["acquisitions"] ?? ""))
            let rows = perKey.rows.filter { $0["client"] == client && $0["run_id"] == row["run_id"] }
            #expect(rows.count == 30)
            #expect(rows.compactMap { Int($0["grants"] ?? "") }.reduce(0, +) == acquisitions)
            let hot = try #require(Double(row["hot_key_grants_pct"] ?? ""))
            #expect(hot > 100.0 / 30 * 2, "the hottest key's share \(hot)% should be well above an even 3.3%")
            #expect(Double(row["hot_key_expected_pct"] ?? "") != nil)
        }
        // A contender has no single key when keys are drawn.
        let contenders = try CSVFile(path: contendersCSV)
        #expect(contenders.rows.allSatisfy { $0["key"] == "" })

        let text = try String(contentsOfFile: json, encoding: .utf8)
        #expect(text.contains("\"keyDist\" : \"zipf:0.99\""))
        #expect(text.contains("\"grantsByKey\""))
    }
}
