import Foundation
import Gate
import TestSupport
import Testing

/// `bench gate --plan` and `bench run --threshold` as a user runs them: the bench binary, its own
/// embedded redis-servers, k6-style exit codes. No assertion on how long anything took.
@Suite("bench gate --plan and bench run --threshold")
struct PlanCLITests {
    /// A contended scenario kept short: 40 contenders on 2 keys, 1 s after 0.2 s of warm-up.
    static let contended = """
          - name: contended
            contenders: 40
            keys: 2
            hold: 1ms
            duration: 1s
            warmup: 0.2s
            thresholds:
        """

    static func write(_ text: String, in directory: URL, as name: String = "plan.yaml") throws -> String {
        let path = directory.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// What `bench gate --plan` printed and wrote for a plan.
    struct GateRun {
        var result: BenchResult
        var junit: String
        var markdown: String
    }

    /// Runs `bench gate --plan` on `plan` with JUnit and Markdown outputs, in a directory removed after.
    static func gate(_ plan: String) async throws -> GateRun {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try write(plan, in: directory)
        let junit = directory.appendingPathComponent("gate.xml").path
        let markdown = directory.appendingPathComponent("gate.md").path
        let result = try await runBench(["gate", "--plan", path, "--junit", junit, "--markdown", markdown])
        return GateRun(
            result: result, junit: (try? String(contentsOfFile: junit, encoding: .utf8)) ?? "",
            markdown: (try? String(contentsOfFile: markdown, encoding: .utf8)) ?? "")
    }

    @Test("1: a threshold that cannot hold fails, and JUnit and Markdown list it as failed")
    func failing() async throws {
        let run = try await Self.gate("scenarios:\n" + Self.contended + "\n      - acquire_p99_us < 1\n      - mutex_violations == 0\n")
        let (result, xml, md) = (run.result, run.junit, run.markdown)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("FAIL: 1 of 3 thresholds failed"), "\(result.stdout)")
        #expect(xml.contains(#"failures="1""#), "\(xml)")
        #expect(xml.contains(#"<testcase classname="gate.plan.contended" name="native acquire_p99_us &lt; 1">"#), "\(xml)")
        #expect(xml.contains("<failure message=\"acquire_p99_us &lt; 1: measured"), "\(xml)")
        #expect(xml.contains(#"<testcase classname="gate.plan.contended" name="native mutex_violations == 0"/>"#), "\(xml)")
        #expect(md.contains("❌"))
        #expect(md.contains("| contended | native | acquire_p99_us < 1 |"), "\(md)")
    }

    @Test("0: thresholds that hold pass, each client judged on its own over interleaved repeats")
    func passing() async throws {
        let run = try await Self.gate(
            "repeats: 2\nscenarios:\n" + Self.contended
                + "\n      - mutex_violations == 0\n      - acquisitions > 0\n      - failed_acquires / acquisitions < 0.5\n    client: both\n")
        #expect(run.result.status == 0, "\(run.result.stdout)\(run.result.stderr)")
        #expect(run.result.stdout.contains("PASS: 0 of 8 thresholds failed"), "\(run.result.stdout)")
        #expect(run.junit.contains(#"tests="8" failures="0""#), "\(run.junit)")
        #expect(run.junit.contains(#"name="hiredis acquisitions &gt; 0""#), "\(run.junit)")
        #expect(run.markdown.contains("✅"))
    }

    @Test("2: an unreachable server is not measured, and says so; the other scenario still runs")
    func unreachable() async throws {
        let run = try await Self.gate(
            "scenarios:\n  - name: nowhere\n    server: 127.0.0.1:1\n    duration: 1s\n    thresholds: [acquisitions > 0]\n"
                + Self.contended + "\n      - acquisitions > 0\n")
        #expect(run.result.status == 2, "\(run.result.stdout)\(run.result.stderr)")
        #expect(run.result.stdout.contains("not measured: nowhere"), "\(run.result.stdout)")
        #expect(run.junit.contains(#"errors="1""#), "\(run.junit)")
        #expect(run.junit.contains(#"<testcase classname="gate.plan.contended" name="native acquisitions &gt; 0"/>"#), "\(run.junit)")
    }

    @Test("64: an invalid plan names file, line and key before any server starts")
    func invalidPlan() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let plan = try Self.write("scenarios:\n" + Self.contended + "\n      - mutex_overlaps == 0\n", in: directory)
        let result = try await runBench(["gate", "--plan", plan])
        #expect(result.status == 64, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("\(plan):9:"), "\(result.stderr)")
        #expect(result.stderr.contains("did you mean mutex_violations?"), "\(result.stderr)")
        #expect(result.children.isEmpty, "no redis-server may start for an invalid plan")
        let clash = try await runBench(["gate", "--plan", plan, "--hard-only"])
        #expect(clash.status == 64, "\(clash.stderr)")
    }

    @Test("bench run --threshold: 0 when it holds, 1 when it does not, 64 when malformed", arguments: [
        (["--threshold", "acquisitions > 0", "--threshold", "mutex_violations == 0"], Int32(0), "PASS"),
        (["--threshold", "acquisitions > 0", "--threshold", "acquire_p99_us < 1"], Int32(1), "FAIL: 1 of 2 thresholds failed"),
        (["--threshold", "acquire_p99_us <"], Int32(64), "malformed threshold"),
    ])
    func runThreshold(extra: [String], status: Int32, phrase: String) async throws {
        let result = try await runBench(
            ["run", "--client", "native", "--contenders", "40", "--keys", "2", "--duration", "1s", "--warmup", "0.2s"] + extra)
        #expect(result.status == status, "\(result.stdout)\(result.stderr)")
        #expect((result.stdout + result.stderr).contains(phrase), "\(result.stdout)\(result.stderr)")
    }
}
