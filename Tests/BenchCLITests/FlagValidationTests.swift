import TestSupport
import Foundation
import Reports
import Testing

/// Every bad flag value names the flag, the value and what is allowed, and exits 64 before any work.
@Suite("bench run flag validation")
struct FlagValidationTests {
    static let cases: [(arguments: [String], mentions: [String])] = [
        (["--contenders", "0"], ["--contenders", "0"]),
        (["--keys", "500", "--contenders", "10"], ["--keys", "500"]),
        (["--client", "jedis"], ["--client", "jedis", "native"]),
        (["--algorithm", "zookeeper"], ["--algorithm", "zookeeper", "setnx-px"]),
        (["--wait", "sleepy"], ["--wait", "sleepy", "backoff"]),
        (["--algorithm", "redlock", "--wait", "fifo"], ["--wait", "fifo", "redlock"]),
        (["--hold", "2parsecs"], ["--hold", "2parsecs"]),
        (["--hold", "uniform:5ms-1ms"], ["--hold", "lower bound"]),
        (["--ttl", "exp:2ms"], ["--ttl", "single duration"]),
        (["--duration", "0"], ["--duration"]),
        (["--rate=-5"], ["--rate", "-5"]),
        (["--arrivals", "bursty", "--rate", "10"], ["--arrivals", "bursty", "poisson"]),
        (["--server", "localhost"], ["--server", "localhost", "host:port"]),
        (["--server", "127.0.0.1:99999"], ["--server", "99999"]),
        (["--algorithm", "redlock", "--server", "127.0.0.1:1"], ["--server", "redlock", "5"]),
        (["--password-env", "LOCKBENCH_SURELY_UNSET_VAR"], ["LOCKBENCH_SURELY_UNSET_VAR", "not set"]),
        (["--password-file", "/nonexistent/pw"], ["/nonexistent/pw"]),
        (["--user", "alice"], ["--user", "--password-env"]),
        (["--drift-factor", "1.5"], ["--drift-factor", "1.5"]),
        (["--queues", "0"], ["--queues", "0"]),
        (["--reply-wait", "soon"], ["--reply-wait", "soon"]),
        (["--reply-wait", "exp:1ms"], ["--reply-wait", "exp:1ms", "auto, off"]),
        (["--reply-wait", "1s"], ["--reply-wait", "1s", "100ms"]),
        (["--key-dist", "zipf:1.5"], ["--key-dist", "zipf:1.5", "zipf:θ", "hotspot:P%/Q%", "uniform"]),
        (["--key-dist", "zipf:x"], ["--key-dist", "zipf:x", "not a number", "hotspot:P%/Q%"]),
        (["--key-dist", "hotspot:120%/80%"], ["--key-dist", "hotspot:120%/80%", "below 100%", "zipf:θ"]),
        (["--key-dist", "hotspot:20%"], ["--key-dist", "hotspot:20%", "P%/Q%", "zipf:θ"]),
        (["--key-dist", "uniform", "--keys", "2000000"], ["--keys", "2000000", "--key-dist uniform"]),
        (["--bogus-flag"], ["bogus-flag"]),
    ] + TLSFlagTests.usageCases

    @Test("bad values are refused with exit 64 and a message naming them", arguments: cases.indices)
    func refused(index: Int) async throws {
        let (arguments, mentions) = Self.cases[index]
        let result = try await runBench(["run"] + arguments, boundSeconds: 30)
        #expect(result.status == 64, "bench run \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        for word in mentions {
            #expect(result.stderr.contains(word), "stderr lacks '\(word)': \(result.stderr)")
        }
        #expect(result.children.isEmpty, "no server may be started for a usage error")
    }

    @Test("an output path in a missing directory is refused before the run (exit 2)")
    func badOutputPath() async throws {
        let result = try await runBench(["run", "--csv", "/nonexistent-dir/x.csv", "--duration", "1s"], boundSeconds: 30)
        #expect(result.status == 2, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("/nonexistent-dir/x.csv"))
        #expect(result.children.isEmpty, "the path is checked before any server starts")
    }

    @Test("an unreachable server is named with the OS error (exit 2)")
    func unreachable() async throws {
        let result = try await runBench(["run", "--server", "127.0.0.1:1", "--duration", "1s", "--client", "native"], boundSeconds: 30)
        #expect(result.status == 2, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("127.0.0.1:1"))
        #expect(result.stderr.lowercased().contains("refused"))
    }
}

/// The README documents every CSV column under its exact name.
@Suite("README")
struct ReadmeTests {
    @Test("every --csv column appears in the README's schema table")
    func csvColumnsDocumented() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        for column in CSVSchema.summary.map(\.name) {
            #expect(readme.contains("| `\(column)` |"), "README lacks CSV column \(column): run `bench csv-schema` and paste the table")
        }
    }
}
