import TestSupport
import BenchMetrics
import Foundation
import Gate
import LoadDriver
import Locks
import Reports
import Testing

/// `bench gate`'s exit codes, from files only (`--current`), so nothing is measured and no server starts.
@Suite("bench gate exit codes")
struct GateCLITests {
    /// A directory holding a baseline, a matching measurement, a slower one, and result CSVs.
    struct Files {
        let directory: String
        var baseline: String { directory + "/baseline.json" }
        var same: String { directory + "/same.json" }
        var slower: String { directory + "/slower.json" }
        var safeCSV: String { directory + "/safe.csv" }
        var unsafeCSV: String { directory + "/unsafe.csv" }

        init() throws {
            directory = try GateFixtures.temporaryDirectory()
            let base = GateFixtures.samples(throughput: [1.00, 1.04, 0.98, 1.02, 1.00])
            try GateFiles.write(GateFixtures.baseline(base), to: baseline)
            try GateFiles.write(GateFixtures.measurement(GateFixtures.samples(throughput: [1.02, 1.00, 0.98, 1.04, 1.00])), to: same)
            try GateFiles.write(GateFixtures.measurement(GateFixtures.samples(throughput: [0.60, 0.62, 0.58, 0.60, 0.62])), to: slower)
            try CSVWriter.append([Self.result(overlaps: 0)], to: safeCSV)
            try CSVWriter.append([Self.result(overlaps: 0), Self.result(overlaps: 2)], to: unsafeCSV)
        }

        static func result(overlaps: Int) -> RunResult {
            var raw = QueueRecorder(contenders: 2, windowStartNanos: 0)
            for i in 0..<50 { raw.recordAcquired(contender: i % 2, latencyNanos: 40_000, attempts: 1, completedAtNanos: UInt64(i + 1) * 1_000_000) }
            if overlaps > 0 { raw.recordMutexOverlap(overlaps) }
            return RunResult(identity: GateFixtures.identity, scenario: GateFixtures.scenario.scenario, measurements: Measurements(raw: raw, windowS: 1))
        }

        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    @Test("0: the same figures pass, and JUnit and Markdown files are written")
    func pass() async throws {
        let files = try Files()
        defer { files.remove() }
        let junit = files.directory + "/gate.xml"
        let markdown = files.directory + "/gate.md"
        let result = try await runBench(["gate", "--baseline", files.baseline, "--current", files.same, "--junit", junit, "--markdown", markdown])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("PASS"))
        #expect(result.stdout.contains("Relative gates"))
        #expect(FileManager.default.fileExists(atPath: junit))
        #expect((try? String(contentsOfFile: markdown, encoding: .utf8))?.contains("✅") == true)
    }

    @Test("1: a regression beyond the threshold fails")
    func regression() async throws {
        let files = try Files()
        defer { files.remove() }
        let result = try await runBench(["gate", "--baseline", files.baseline, "--current", files.slower])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("FAIL"))
        #expect(result.stdout.contains("throughput"))
    }

    @Test("1: a mutual-exclusion violation in bench run CSV rows fails the hard gates; clean rows pass")
    func hardGateFromCSV() async throws {
        let files = try Files()
        defer { files.remove() }
        let bad = try await runBench(["gate", "--baseline", files.baseline, "--current", files.unsafeCSV, "--hard-only"])
        #expect(bad.status == 1, "\(bad.stdout)\(bad.stderr)")
        #expect(bad.stdout.contains("2 mutual-exclusion violations"))
        let good = try await runBench(["gate", "--baseline", files.baseline, "--current", files.safeCSV, "--hard-only"])
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
    }

    @Test("2: nothing could be judged", arguments: [
        (["--baseline", "/nonexistent/baseline.json"], "no baseline"),
        (["--current", "/nonexistent/current.json"], "cannot read"),
        (["--current", "CSV"], "--hard-only"),
        (["--current", "SAME", "--junit", "/nonexistent-dir/gate.xml"], "does not exist"),
    ])
    func environment(arguments: [String], mentions: String) async throws {
        let files = try Files()
        defer { files.remove() }
        let resolved = arguments.map { $0 == "CSV" ? files.safeCSV : $0 == "SAME" ? files.same : $0 }
        let withBaseline = resolved.contains("--baseline") ? resolved : ["--baseline", files.baseline] + resolved
        let result = try await runBench(["gate"] + withBaseline)
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains(mentions), "\(result.stderr)")
    }

    @Test("64: usage errors", arguments: [
        ["--pairs", "0"],
        ["--pairs", "1"],
        ["--current", "x.json", "--update-baseline"],
        ["--threshold", "speed=0.2"],
        ["--inject-delay", "exp:2ms"],
        ["--scenario", "no-such-scenario", "--current", "SAME"],
        ["--bogus"],
    ])
    func usage(arguments: [String]) async throws {
        let files = try Files()
        defer { files.remove() }
        let resolved = arguments.map { $0 == "SAME" ? files.same : $0 }
        let result = try await runBench(["gate", "--baseline", files.baseline] + resolved)
        #expect(result.status == 64, "\(arguments): \(result.stdout)\(result.stderr)")
    }
}
