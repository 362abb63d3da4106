import Foundation
import Gate
import LoadDriver
import Locks
import Testing

/// Reading plans, valid and not: every refusal names the file, the line and the key.
@Suite("gate plan files")
struct PlanFileTests {
    func refusal(_ text: String) -> PlanError? {
        #expect(throws: PlanError.self) { try UserPlan.parse(text, file: "plan.yaml") }
    }

    @Test("a plan reads into validated scenarios; defaults apply and a scenario's own keys win")
    func valid() throws {
        let plan = try UserPlan.parse("""
            repeats: 3
            aggregate: every
            defaults:
              duration: 1s
              warmup: 0.2s
              thresholds: [mutex_violations == 0]
            scenarios:
              - name: contended
                algorithm: fenced
                wait: fifo
                contenders: 20
                keys: 2
                duration: 2s
                client: both
                thresholds:
                  - {expr: acquire_p99_us < 50000, aggregate: median}
                  - failed_acquires / acquisitions < 0.001
              - name: redlock
                algorithm: redlock
                server: [127.0.0.1:7001, 127.0.0.1:7002, 127.0.0.1:7003]
                redlock-nodes: 3
                repeats: 1
                aggregate: median
            """, file: "plan.yaml")
        #expect(plan.scenarios.map(\.name) == ["contended", "redlock"])
        let contended = plan.scenarios[0]
        #expect(contended.scenario.lock.algorithm == .fenced)
        #expect(contended.scenario.durationS == 2)
        #expect(contended.scenario.warmupS == 0.2)
        #expect(contended.clients == [.native, .hiredis])
        #expect(contended.repeats == 3)
        #expect(contended.aggregate == .every)
        #expect(contended.thresholds.map(\.expression.text) == ["mutex_violations == 0", "acquire_p99_us < 50000", "failed_acquires / acquisitions < 0.001"])
        #expect(contended.thresholds.map(\.aggregate) == [.every, .median, .every])
        let redlock = plan.scenarios[1]
        #expect(!redlock.scenario.deployment.isEmbedded)
        #expect(redlock.clients == [.native])
        #expect(redlock.repeats == 1)
        #expect(redlock.aggregate == .median)
    }

    @Test("JSON is read too, with its lines")
    func json() throws {
        let plan = try UserPlan.parse(#"{"scenarios": [{"name": "a", "thresholds": ["jain >= 0.9"]}]}"#, file: "plan.json")
        #expect(plan.scenarios.first?.thresholds.first?.expression.text == "jain >= 0.9")
        let error = #expect(throws: PlanError.self) {
            try UserPlan.parse("{\n\t\"scenarios\": [\n\t\t{\"name\": \"a\", \"keys\": 0}\n\t]\n}", file: "plan.json")
        }
        #expect(error?.line == 3, "\(String(describing: error))")
        #expect(error?.key?.hasSuffix(".keys") == true)
    }

    @Test("refusals name the line and the key", arguments: [
        // A threshold on an unknown metric, with the nearest column.
        ("scenarios:\n  - name: a\n    thresholds:\n      - acquire_p99 < 50000\n", 4, "thresholds[0]", "did you mean acquire_p99_us?"),
        // A malformed expression, and where in it.
        ("scenarios:\n  - name: a\n    thresholds: [\"acquisitions > > 1\"]\n", 3, "thresholds[0]", "character 16"),
        // What bench run refuses: keys above contenders, at the keys line.
        ("scenarios:\n  - name: a\n    contenders: 10\n    keys: 20\n", 4, "(a).keys", "--keys '20' is invalid"),
        // A wait strategy the algorithm lacks, at the wait line.
        ("scenarios:\n  - name: a\n    algorithm: redlock\n    wait: fifo\n", 4, "(a).wait", "redlock supports"),
        // A time bench run cannot parse.
        ("scenarios:\n  - name: a\n    hold: soon\n", 3, "(a).hold", "--hold"),
        // An unknown key, with the nearest.
        ("scenarios:\n  - name: a\n    algoritm: redlock\n", 3, "algoritm", "did you mean algorithm?"),
        ("scenarios:\n  - name: a\n    client: all\n", 3, "client", "native, hiredis or both"),
        ("repeats: 0\nscenarios:\n  - name: a\n", 1, "repeats", "1...50"),
        ("aggregate: mean\nscenarios:\n  - name: a\n", 1, "aggregate", "median"),
        ("scenarios:\n  - name: a\n    thresholds:\n      - {expr: jain > 1, aggregate: all}\n", 4, "thresholds[0].aggregate", "median"),
        ("scenarios:\n  - name: a\n    thresholds:\n      - {aggregate: every}\n", 4, "thresholds[0]", "missing expr"),
        ("scenarios:\n  - name: a\n  - name: a\n", 3, "name", "already the name"),
        ("scenarios:\n  - contenders: 3\n", 2, "scenarios[0]", "missing name"),
        ("scenarios:\n  - name: a\n    server: not a server\n", 3, "server", "invalid server"),
        ("baseline: /nonexistent/baseline.json\nscenarios:\n  - name: a\n", 1, "baseline", "cannot read"),
        // Bad YAML: the parser's line.
        ("scenarios:\n  - name: a\n    keys: 2\n  bad: [\n", 4, nil, "not valid YAML"),
    ] as [(String, Int, String?, String)])
    func refusals(text: String, line: Int, key: String?, phrase: String) {
        let error = refusal(text)
        #expect(error?.line == line, "\(String(describing: error))")
        if let key { #expect(error?.key?.contains(key) == true, "\(String(describing: error))") }
        #expect(error?.description.contains(phrase) == true, "\(String(describing: error))")
        #expect(error?.description.hasPrefix("plan.yaml:\(line):") == true, "\(String(describing: error))")
    }

    @Test("a baseline is read and kept; one measured on a different scenario of the same name is refused")
    func baseline() throws {
        let directory = try GateFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try GateFiles.write(GateFixtures.baseline(GateFixtures.samples(throughput: [1, 1, 1])), to: directory + "/baseline.json")
        let other = try UserPlan.parse("baseline: baseline.json\nscenarios:\n  - name: mine\n", file: directory + "/plan.yaml")
        #expect(other.baselinePath == directory + "/baseline.json")
        #expect(other.baseline?.scenario(GateFixtures.scenario.name) != nil)

        let plan = "baseline: baseline.json\nscenarios:\n  - name: mine\n  - name: \(GateFixtures.scenario.name)\n    contenders: 7\n    keys: 7\n"
        let error = #expect(throws: PlanError.self) { try UserPlan.parse(plan, file: directory + "/plan.yaml") }
        #expect(error?.line == 4, "\(String(describing: error))")
        #expect(error?.description.contains("on a different scenario") == true, "\(String(describing: error))")
        #expect(error?.description.contains("contenders (baseline 10, plan 7)") == true, "\(String(describing: error))")

        try Data("not json".utf8).write(to: URL(fileURLWithPath: directory + "/notes.txt"))
        let wrong = #expect(throws: PlanError.self) {
            try UserPlan.parse("baseline: notes.txt\nscenarios:\n  - name: a\n", file: directory + "/plan.yaml")
        }
        #expect(wrong?.line == 1)
        #expect(wrong?.description.contains("not a lockbench gate baseline") == true, "\(String(describing: wrong))")
    }

    @Test("a missing password variable is refused at its key, the secret never read")
    func passwordSource() {
        let error = refusal("scenarios:\n  - name: a\n    server: 127.0.0.1:6379\n    password-env: LOCKBENCH_TEST_UNSET_VARIABLE\n")
        #expect(error?.line == 4, "\(String(describing: error))")
        #expect(error?.key?.contains("password-env") == true)
    }
}

/// The committed sample plan: it must read, and the README must show it as it is.
@Suite("the sample gate plan")
struct SamplePlanTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("Results/sample-gate-plan.yaml reads, and README's copy is the file without its header comment")
    func sample() throws {
        let path = Self.root.appendingPathComponent("Results/sample-gate-plan.yaml").path
        let plan = try UserPlan.read(path: path)
        #expect(plan.scenarios.map(\.name) == ["checkout-lock", "redlock-ttl-budget"])
        let file = try String(contentsOfFile: path, encoding: .utf8)
        let body = file.split(separator: "\n", omittingEmptySubsequences: false).drop { $0.hasPrefix("#") }.joined(separator: "\n")
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("```yaml\n" + body + "```"), "README's sample plan differs from Results/sample-gate-plan.yaml")
    }
}
