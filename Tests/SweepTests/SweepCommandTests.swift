import Foundation
import Testing
import TestSupport

/// `bench sweep --dry-run` through the real binary: the grid is validated by `bench run`'s own code,
/// and nothing is started.
@Suite struct SweepCommandTests {
    static func run(_ arguments: [String]) async throws -> BenchResult {
        try await runBench(["sweep", "--dry-run"] + arguments)
    }

    static let refused: [(arguments: [String], mentions: [String])] = [
        (["--contenders", "10,ten"], ["--contenders", "ten"]),
        (["--contenders", "10,,100"], ["--contenders", "10,,100", "empty item"]),
        (["--algorithm", "setnx-px,zookeeper"], ["--algorithm", "zookeeper", "redlock"]),
        (["--algorithm", "redlock", "--wait", "fifo"], ["--wait", "fifo", "redlock"]),
        (["--keys", "40", "--contenders", "10,100"], ["--contenders", "'10'", "--keys"]),
        (["--hold", "2parsecs"], ["--hold", "2parsecs"]),
        (["--rate", "100,-5", "--client", "native"], ["--rate", "-5"]),
        (["--slo", "fast"], ["--slo", "fast"]),
        (["--max-error-rate", "150%"], ["--max-error-rate", "150%"]),
        (["--resume"], ["--resume", "--csv"]),
        (["--bogus", "1"], ["--bogus"]),
        (["--tls", "off,maybe"], ["--tls", "maybe", "off or on"]),
        (["--cacert", "/etc/hosts"], ["--cacert", "--tls on"]),
        (["--client", "hiredis", "--tls", "on"], ["--client hiredis --tls", "hiredis 0.14", "--client native"]),
    ]

    @Test("bad grids exit 64 naming the flag and value", arguments: refused.indices)
    func badGrid(index: Int) async throws {
        let (arguments, mentions) = Self.refused[index]
        let result = try await Self.run(arguments)
        #expect(result.status == 64, "\(arguments): exit \(result.status) \(result.stderr)")
        for word in mentions { #expect(result.stderr.contains(word), "stderr lacks '\(word)': \(result.stderr)") }
    }

    @Test func invalidCombinationsAreSkippedAndTheRestInterleaved() async throws {
        let result = try await Self.run(["--algorithm", "setnx-px,redlock", "--wait", "backoff,fifo", "--contenders", "10,100", "--client", "native", "--repeat", "2", "--seed", "3"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("sweep: 6 cells × 2 repeats: 12 runs"))
        #expect(lines.filter { $0.hasPrefix("skip  redlock/fifo native") }.count == 2)
        let runs = lines.filter { $0.first?.isNumber == true }
        #expect(runs.count == 12)
        #expect(runs.prefix(6).allSatisfy { $0.contains("round 1:") } && runs.suffix(6).allSatisfy { $0.contains("round 2:") })
        #expect(try await Self.run(["--algorithm", "setnx-px,redlock", "--wait", "backoff,fifo", "--contenders", "10,100", "--client", "native", "--repeat", "2", "--seed", "3"]).stdout == result.stdout, "the seed fixes the order")
    }
}
