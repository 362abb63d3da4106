import TestSupport
import Chaos
import Foundation
import Reports
import Testing

/// `bench chaos` as a user runs it: exit codes and the JSON it writes.
@Suite("bench chaos command", .serialized)
struct CommandLineTests {
    /// Runs `bench` as a user would (the shared spawner); the bound only stops a broken build from hanging the suite.
    static func bench(_ arguments: [String]) async throws -> BenchResult {
        try await runBench(arguments, boundSeconds: 120)
    }

    @Test("a confirmed run exits 0, prints the table and writes [SafetyRow] JSON")
    func confirmedRun() async throws {
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("lockbench-chaos-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: json) }
        let result = try await Self.bench(["chaos", "--scenario", "client-pause", "--algorithm", "fenced", "--trials", "1", "--json", json])
        #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
        let rows = try SafetyFiles.readJSON(json)
        #expect(rows.map(\.variant) == ["in-process", "sigstop-worker"], "the worker variant runs from the real binary")
        #expect(rows.allSatisfy { $0.confirmed && $0.staleWritesRejected == 1 })
        #expect(result.stdout.contains("overlap; stale write rejected"))
    }

    @Test("usage errors exit 64 and say what to use", arguments: [
        ["chaos", "--scenario", "meteor-strike"],
        ["chaos", "--scenario", "redlock-restart", "--algorithm", "setnx-px"],
        ["chaos", "--client", "java"],
        ["chaos", "--trials", "0"],
    ])
    func usage(arguments: [String]) async throws {
        let result = try await Self.bench(arguments)
        #expect(result.status == 64, "exit \(result.status): \(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }
}
