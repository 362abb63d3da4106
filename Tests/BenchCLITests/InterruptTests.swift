import Foundation
import Reports
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C mid-run: every subcommand stops cleanly with exit 130 and says so; `bench run` writes what it
/// measured to every output it was asked for, marked partial.
@Suite("Ctrl-C", .serialized)
struct InterruptTests {
    /// The repository, for the committed gate baseline.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `bench` and sends SIGINT once it has started its servers and run a little while.
    ///
    /// A SIGINT that arrived before bench installed its handler would also end in 130 (killed by
    /// signal 2), so the tests check bench's own "interrupted" message too.
    static func interrupted(_ arguments: [String]) async throws -> BenchResult {
        let result = try await runBench(arguments, boundSeconds: 180, afterStart: { pid in
            interrupt(pid, settleMicroseconds: 2_000_000) { !childPIDs(of: pid).isEmpty }
        })
        for child in result.children { #expect(isGone(child), "\(child) outlived bench \(arguments[0])") }
        return result
    }

    @Test("bench run: CSV, JSON and hgrm are all written and marked partial")
    func runOutputs() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("runs.csv").path
        let json = dir.appendingPathComponent("run.json").path
        let hgrm = dir.appendingPathComponent("hgrm").path
        let result = try await Self.interrupted([
            "run", "--client", "native", "--contenders", "12", "--keys", "4", "--duration", "30s", "--warmup", "0",
            "--csv", csv, "--json", json, "--hgrm", hgrm,
        ])
        #expect(result.status == 130, "exit \(result.status): \(result.stderr)")

        let row = try #require(try CSVFile(path: csv).rows.first)
        #expect(row["partial"] == "true")
        #expect((Int(row["acquisitions"] ?? "") ?? 0) > 0, "what was measured before Ctrl-C is kept")

        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json)))
        let results = (object as? [[String: Any]]) ?? [(object as? [String: Any])].compactMap { $0 }
        #expect(!results.isEmpty, "the JSON holds the run")
        for result in results {
            #expect(result["partial"] as? Bool == true, "the JSON marks the run partial")
        }

        let files = try FileManager.default.contentsOfDirectory(atPath: hgrm).filter { $0.hasSuffix(".hgrm") }
        #expect(files.contains { $0.contains("acquire") }, "an acquire histogram was written: \(files)")
        for file in files {
            let text = try String(contentsOfFile: hgrm + "/" + file, encoding: .utf8)
            #expect(PercentileCurve.parseHgrm(text, source: file) != nil, "\(file) parses as a percentile distribution")
            #expect(text.contains("#[Partial = true"), "\(file) says it is partial")
        }
    }

    @Test("bench sweep: exit 130")
    func sweep() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("sweep.csv").path
        let result = try await Self.interrupted([
            "sweep", "--client", "native", "--contenders", "4,8,16", "--duration", "3s", "--warmup", "0", "--csv", csv,
        ])
        #expect(result.status == 130, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("bench sweep: interrupted"), "stderr: \(result.stderr)")
    }

    @Test("bench gate: exit 130")
    func gate() async throws {
        let baseline = Self.root.appendingPathComponent("Results/baseline.json").path
        let result = try await Self.interrupted(["gate", "--hard-only", "--baseline", baseline])
        #expect(result.status == 130, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("bench gate: interrupted"), "stderr: \(result.stderr)")
    }

    @Test("bench chaos: exit 130")
    func chaos() async throws {
        let result = try await Self.interrupted(["chaos", "--scenario", "redlock-loss", "--algorithm", "redlock", "--client", "native"])
        #expect(result.status == 130, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("bench chaos: interrupted"), "stderr: \(result.stderr)")
    }
}
