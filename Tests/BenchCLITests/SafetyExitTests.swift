import Foundation
import RedisFleet
import Testing
import TestSupport

/// End to end, the witness catches overlapping holders: a scenario that must overlap shows them, and a
/// safe algorithm whose locks are deleted behind its holders' backs makes `bench run` exit 1.
@Suite("bench run catches violations", .serialized)
struct SafetyExitTests {
    /// The first CSV row's count in `column`, or nil when missing.
    static func count(_ column: String, in csv: String) throws -> Int? {
        try CSVFile(path: csv).rows.first.flatMap { Int($0[column] ?? "") }
    }

    @Test("holds three times the TTL overlap, and the output shows it", arguments: ["setnx-px", "naive-getdel"])
    func holdsPastTTL(algorithm: String) async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("runs.csv").path
        // The lease runs out while its holder still works, so the next waiter is granted the key.
        let result = try await runBench([
            "run", "--algorithm", algorithm, "--client", "native", "--contenders", "12", "--keys", "2",
            "--hold", "30ms", "--ttl", "10ms", "--duration", "2s", "--warmup", "0", "--csv", csv,
        ])
        #expect(result.status != 2 && result.status < 128, "exit \(result.status): \(result.stderr)")
        let overlaps = try #require(try Self.count("mutex_violations", in: csv))
        #expect(overlaps > 0, "holds past the TTL must overlap: \(result.stdout)")
        let line = result.stdout.split(separator: "\n").first { $0.hasPrefix("mutex overlaps") }
        #expect(line.map { !$0.hasSuffix(" 0") } == true, "the summary shows the overlaps: \(line ?? "no such line")")
        for child in result.children { #expect(isGone(child), "redis-server \(child) outlived the run") }
    }

    @Test("setnx-px whose locks another client keeps deleting: overlaps seen, exit 1")
    func injectedOverlap() async throws {
        try await withFleet { fleet in
            let endpoint = fleet.endpoints[0]
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let csv = dir.appendingPathComponent("runs.csv").path
            // Holds of 5 ms inside a 10 s TTL never overlap unless someone frees the key: start freeing
            // them once bench's connections are up.
            let deleter = KeyDeleter(endpoint: endpoint) { connectedClients(at: endpoint) > 0 }
            defer { _ = deleter.stop() }
            let result = try await runBench(
                ["run", "--server", endpoint.description, "--algorithm", "setnx-px", "--client", "native",
                 "--contenders", "12", "--keys", "2", "--hold", "5ms", "--duration", "3s", "--warmup", "0", "--csv", csv])
            let deleted = deleter.stop()
            #expect(deleted > 0, "the fault was placed: lock keys deleted mid-run")
            #expect(result.status == 1, "exit \(result.status): \(result.stderr)")
            #expect(result.stderr.contains("setnx-px") && result.stderr.contains("violation"), "stderr: \(result.stderr)")
            let overlaps = try #require(try Self.count("mutex_violations", in: csv))
            #expect(overlaps > 0, "the witness saw two holders at once")
        }
    }

    @Test("control: the same setnx-px run without the deleter exits 0 with no overlap")
    func noFaultNoOverlap() async throws {
        try await withFleet { fleet in
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let csv = dir.appendingPathComponent("runs.csv").path
            let result = try await runBench(
                ["run", "--server", fleet.endpoints[0].description, "--algorithm", "setnx-px", "--client", "native",
                 "--contenders", "12", "--keys", "2", "--hold", "5ms", "--duration", "2s", "--warmup", "0", "--csv", csv])
            #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
            #expect(try Self.count("mutex_violations", in: csv) == 0)
        }
    }
}
