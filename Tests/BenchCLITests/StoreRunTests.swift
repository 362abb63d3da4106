import Foundation
import TestSupport
import Testing

/// `bench run --target etcd|zookeeper` end to end through the binary, against real members it starts:
/// the same driver, witness, summary and CSV as Redis, with the store's fencing and keep-alive figures,
/// and no member left behind.
@Suite("bench run on etcd and ZooKeeper", .serialized)
struct StoreRunTests {
    @Test("a short run on an embedded store grants, never overlaps, fences, and leaves no process", arguments: ["etcd", "zookeeper"])
    func embedded(target: String) async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("run.csv").path
        let json = dir.appendingPathComponent("run.json").path
        let result = try await runBench(
            ["run", "--target", target, "--duration", "2s", "--warmup", "0.5s", "--contenders", "20", "--keys", "4",
             "--connections", "2", "--hold", "1ms", "--ttl", "10s", "--seed", "5", "--csv", csv, "--json", json],
            boundSeconds: 180)
        // Exit 1 is accepted only for the error-rate bound (the store client's transport errors under a
        // debug build on a loaded machine are its own suite's concern); never for overlaps or a crash.
        #expect(result.status == 0 || (result.status == 1 && result.stderr.contains("errors against") && !result.stderr.contains("mutual-exclusion")),
                "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("run once: --client does not apply"), "the run says --client does not apply: \(result.stderr)")
        #expect(result.stdout.contains("stale writes rejected (fencing)") && result.stdout.contains("lease keep-alives"), "\(result.stdout)")
        let rows = try CSVFile(path: csv).rows
        #expect(rows.count == 1, "one client, one row")
        let row = try #require(rows.first)
        #expect(row["topology"] == "\(target):1")
        #expect(row["algorithm"] == (target == "etcd" ? "etcd-mutex" : "zk-recipe") && row["wait"] == "watch")
        #expect(Int(row["acquisitions"] ?? "") ?? 0 > 0, "acquisitions: \(row["acquisitions"] ?? "-")")
        #expect(row["mutex_violations"] == "0" && row["stale_writes_rejected"] == "0", "a store's lock never overlaps inside its lease")
        #expect(row["store_keepalives"].flatMap(Int.init) != nil, "the keep-alive figures are filled: \(row["store_keepalives"] ?? "-")")
        #expect(row["store_sessions_expired"] == "0")
        let text = try String(contentsOfFile: json, encoding: .utf8)
        #expect(text.contains("\"storeLiveness\"") && text.contains("\"topology\" : \"\(target)\""))
        for child in result.children { #expect(isGone(child), "\(target) member \(child) outlived the run") }
    }

    @Test("a sweep with the store as an axis runs each algorithm on its own store, one CSV row per cell")
    func sweep() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("sweep.csv").path
        let result = try await runBench(
            ["sweep", "--target", "redis,etcd", "--algorithm", "setnx-px,etcd-mutex", "--client", "native", "--contenders", "10",
             "--duration", "1s", "--warmup", "0.2s", "--seed", "9", "--csv", csv],
            boundSeconds: 180)
        #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
        let rows = try CSVFile(path: csv).rows
        #expect(Set(rows.map { "\($0["topology"] ?? "")/\($0["algorithm"] ?? "")/\($0["wait"] ?? "")" }) == ["standalone/setnx-px/backoff", "etcd:1/etcd-mutex/watch"])
        #expect(rows.allSatisfy { Int($0["acquisitions"] ?? "") ?? 0 > 0 && $0["mutex_violations"] == "0" })
        for child in result.children { #expect(isGone(child), "\(child) outlived the sweep") }
    }

    @Test("Ctrl-C during a run on a 3-member etcd: partial figures, exit 130, no member left")
    func interrupted() async throws {
        let result = try await runBench(
            ["run", "--target", "etcd:3", "--duration", "60s", "--warmup", "0.5s", "--contenders", "10", "--keys", "2"],
            boundSeconds: 180, afterStart: { pid in
                // Three members up and a little of the run behind it before the signal.
                interrupt(pid, settleMicroseconds: 4_000_000) { childPIDs(of: pid).count >= 3 }
            })
        #expect(result.status == 130, "exit \(result.status): \(result.stderr)")
        #expect(result.stdout.contains("PARTIAL"), "\(result.stdout)")
        #expect(result.children.count >= 3)
        for child in result.children { #expect(isGone(child), "etcd member \(child) outlived bench run") }
    }

    @Test("a Redis port or a closed port given as --etcd / --zookeeper stops the run with the store's message (exit 2)")
    func notTheStore() async throws {
        try await withFleet { fleet in
            let redis = fleet.endpoints[0].description
            for arguments in [["--etcd", redis], ["--etcd", "127.0.0.1:1"], ["--zookeeper", redis], ["--zookeeper", "127.0.0.1:1"]] {
                let result = try await runBench(["run"] + arguments + ["--duration", "1s"], boundSeconds: 90)
                #expect(result.status == 2, "bench run \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
                #expect(result.stderr.contains(arguments[1]), "the message names the endpoint: \(result.stderr)")
            }
        }
    }
}
