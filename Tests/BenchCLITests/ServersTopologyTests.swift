import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `bench servers --topology`: a cluster or a Sentinel topology, printed node by node, stopped on Ctrl-C.
@Suite("bench servers --topology")
struct ServersTopologyTests {
    /// Runs `bench servers` and sends SIGINT once `nodes` servers run: bench prints the topology once it
    /// has formed, then honours the signal, however early it came. Returns stdout's lines (one per node)
    /// and stderr, having checked the exit status and that no server outlived it.
    static func serve(_ arguments: [String], nodes: Int) async throws -> (lines: [String], stderr: String) {
        let result = try await runBench(["servers"] + arguments, boundSeconds: 120, afterStart: { pid in
            waitBlocking { childPIDs(of: pid).count >= nodes }
            kill(pid, SIGINT)
        })
        for child in result.children { #expect(isGone(child), "\(child) outlived bench servers") }
        #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == nodes, "\(result.stdout)")
        return (lines, result.stderr)
    }

    @Test("cluster:3x1 prints each node's endpoint, role, id and slots (or its primary)")
    func cluster() async throws {
        let (lines, stderr) = try await Self.serve(["--topology", "cluster:3x1"], nodes: 6)
        #expect(lines.filter { $0.contains(" primary ") }.map { $0.split(separator: " ").last.map(String.init) } == ["0-5460", "5461-10922", "10923-16383"])
        let primaries = lines.prefix(3).map { String($0.split(separator: " ")[0]) }
        #expect(lines.dropFirst(3).map { String($0.split(separator: " ").last!) } == primaries, "each replica names its primary")
        #expect(lines.allSatisfy { $0.split(separator: " ").count >= 3 && $0.split(separator: " ")[2].count == 40 }, "node ids: \(lines)")
        #expect(stderr.contains("as cluster:3x1"))
    }

    @Test("sentinel:1x1 prints the primary with its master name, the replica, and three Sentinels")
    func sentinel() async throws {
        let (lines, _) = try await Self.serve(["--topology", "sentinel:1x1"], nodes: 5)
        #expect(lines.first?.hasSuffix("primary master-name lockbench") == true)
        #expect(lines.filter { $0.hasSuffix("sentinel monitors lockbench") }.count == 3)
    }

    @Test("--topology cluster:3x0 --ping pings every node and exits 0")
    func ping() async throws {
        let result = try await runBench(["servers", "--topology", "cluster:3x0", "--ping"], boundSeconds: 120)
        #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
        #expect(result.stdout.split(separator: "\n").filter { $0.hasSuffix(" PONG") }.count == 3)
        for child in result.children { #expect(isGone(child)) }
    }

    @Test("bad --topology values and combinations exit 64 naming the flag, before any server starts", arguments: [
        (["--topology", "sentinel:2x1"], "sentinel:1xR"),
        (["--topology", "cluster:3y1"], "cluster:3y1"),
        (["--topology", "cluster:3x1", "--unix"], "--unix"),
        (["--topology", "cluster:3x1", "--count", "2"], "--count"),
    ])
    func refused(arguments: [String], mention: String) async throws {
        let result = try await runBench(["servers"] + arguments, boundSeconds: 30)
        #expect(result.status == 64, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains(mention), "\(result.stderr)")
        #expect(result.children.isEmpty)
    }
}
