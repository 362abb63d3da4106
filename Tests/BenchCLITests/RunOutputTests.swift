import TestSupport
import Foundation
import RESP
import RedisConnection
import RedisFleet
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Short real runs through the `bench` binary: outputs parse back with the right columns and
/// plausible, self-consistent values; no key or process is left behind.
@Suite("bench run outputs")
struct RunOutputTests {
    static let algorithms = ["setnx-px", "legacy-getset", "naive-getdel", "fenced", "redlock"]
    static let requiredColumns = [
        "run_id", "client", "algorithm", "wait", "contenders", "keys", "connections", "pipeline", "ttl_ms",
        "duration_s", "acquisitions", "acquisitions_per_s", "failed_acquires", "errors", "acquire_p50_us",
        "acquire_p99_us", "acquire_p999_us", "acquire_max_us", "jain", "starved", "mutex_violations",
        "server_cmds_per_acquire", "peak_rss_mb", "threads", "partial", "redlock_elapsed_p99_ttl_pct",
        "validity_min_ms", "ttl_overruns", "split_votes",
    ]

    @Test("a short run per algorithm writes CSV, JSON, hgrm and per-contender rows that agree", arguments: algorithms)
    func shortRun(algorithm: String) async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("runs.csv").path
        let contendersCSV = dir.appendingPathComponent("contenders.csv").path
        let series = dir.appendingPathComponent("series.csv").path
        let json = dir.appendingPathComponent("run.json").path
        let hgrm = dir.appendingPathComponent("hgrm").path
        let client = algorithm.count % 2 == 0 ? "native" : "hiredis"
        let result = try await runBench([
            "run", "--algorithm", algorithm, "--client", client, "--contenders", "24", "--keys", "6",
            "--connections", "2", "--queues", "2", "--hold", "500us", "--duration", "1500ms", "--warmup", "200ms", "--ttl", "2s",
            "--csv", csv, "--contenders-csv", contendersCSV, "--timeseries-csv", series, "--json", json, "--hgrm", hgrm,
        ])
        #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
        let table = try CSVFile(path: csv)
        for column in Self.requiredColumns {
            #expect(table.header.contains(column), "CSV lacks column \(column)")
        }
        let row = try #require(table.rows.first)
        #expect(table.rows.count == 1)
        #expect(row["algorithm"] == algorithm)
        #expect(row["client"] == client)
        #expect(row["partial"] == "false")
        let acquisitions = try #require(Int(row["acquisitions"] ?? ""))
        #expect(acquisitions > 0)
        let jain = try #require(Double(row["jain"] ?? ""))
        #expect(jain > 0 && jain <= 1)
        #expect(Double(row["acquire_p50_us"] ?? "") ?? 0 > 0)
        #expect((Double(row["acquire_p50_us"] ?? "") ?? 0) <= (Double(row["acquire_p99_us"] ?? "") ?? 0))
        if algorithm == "redlock" {
            #expect(!(row["redlock_elapsed_p99_ttl_pct"] ?? "").isEmpty)
        } else {
            #expect((row["redlock_elapsed_p99_ttl_pct"] ?? "x").isEmpty)
        }
        // Two queues, two connections: each queue owns one socket, so it waits for replies inline,
        // except Redlock's, which owns one per master.
        #expect(row["reply_wait_us"] == (algorithm == "redlock" ? "0" : "1000"))
        if ["setnx-px", "fenced", "redlock"].contains(algorithm) {
            #expect(row["mutex_violations"] == "0", "a safe algorithm with hold < ttl must not overlap")
        }

        let perContender = try CSVFile(path: contendersCSV)
        #expect(perContender.rows.count == 24)
        let grants = perContender.rows.compactMap { Int($0["grants"] ?? "") }.reduce(0, +)
        #expect(grants == acquisitions, "per-contender grants sum to the total")

        let seconds = try CSVFile(path: series)
        #expect(!seconds.rows.isEmpty)

        let data = try Data(contentsOf: URL(fileURLWithPath: json))
        let object = try JSONSerialization.jsonObject(with: data)
        #expect(String(decoding: data, as: UTF8.self).contains("\"algorithm\" : \"\(algorithm)\""), "the JSON carries the scenario")
        _ = object

        let files = try FileManager.default.contentsOfDirectory(atPath: hgrm)
        #expect(files.contains { $0.contains("acquire") && $0.hasSuffix(".hgrm") })
        for child in result.children { #expect(isGone(child), "redis-server \(child) outlived the run") }
    }

    @Test("against a named server: every key under the run's prefix is deleted, other data untouched")
    func noKeysLeft() async throws {
        let fleet = try await RedisFleet.start(count: 1)
        defer { Task { await fleet.stop() } }
        let endpoint = fleet.endpoints[0]
        _ = try RedisProbe.command(["SET", "someone-elses-key", "precious"], at: endpoint)
        let result = try await runBench([
            "run", "--server", endpoint.description, "--client", "both", "--contenders", "16", "--keys", "4",
            "--algorithm", "fenced", "--wait", "fifo", "--duration", "1s", "--warmup", "0",
        ])
        #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
        #expect(try RedisProbe.command(["DBSIZE"], at: endpoint) == .integer(1), "only the key the harness did not create is left")
        #expect(try RedisProbe.command(["GET", "someone-elses-key"], at: endpoint) == .bulkString(Array("precious".utf8)))
        await fleet.stop()
    }

    @Test("Ctrl-C: exit 130, and the CSV row is written and marked partial")
    func interrupted() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("runs.csv").path
        let result = try await runBench(
            ["run", "--client", "native", "--duration", "15s", "--warmup", "0", "--contenders", "20", "--keys", "5", "--csv", csv],
            afterStart: { pid in
                // Interrupt once the run is under way (its embedded server is up), however slow the machine.
                onOwnThread {
                    waitBlocking { !childPIDs(of: pid).isEmpty }
                    usleep(2_000_000)
                    kill(pid, SIGINT)
                }
            })
        #expect(result.status == 130, "exit \(result.status): \(result.stderr) \(result.stdout.prefix(400))")
        let table = try CSVFile(path: csv)
        let row = try #require(table.rows.first)
        #expect(row["partial"] == "true")
        #expect((Int(row["acquisitions"] ?? "") ?? 0) > 0, "what was measured before Ctrl-C is kept")
        for child in result.children { #expect(isGone(child), "redis-server \(child) outlived the run") }
    }

    @Test("a server killed mid-run: exit 1, a clear error, and a partial row")
    func serverDies() async throws {
        let fleet = try await RedisFleet.start(count: 1)
        defer { Task { await fleet.stop() } }
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("runs.csv").path
        let result = try await runBench(
            ["run", "--server", fleet.endpoints[0].description, "--client", "hiredis", "--duration", "60s",
             "--warmup", "0", "--contenders", "20", "--keys", "5", "--csv", csv],
            afterStart: { _ in
                // Kill the server once bench's connections are on it, however slow the machine.
                let endpoint = fleet.endpoints[0]
                onOwnThread {
                    waitBlocking {
                        let clients = (try? RedisProbe.command(["CLIENT", "LIST"], at: endpoint))?.string ?? ""
                        return clients.split(separator: "\n").count > 2
                    }
                    usleep(2_000_000)
                    fleet.kill(0)
                }
            })
        #expect(result.status == 1, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains(fleet.endpoints[0].description), "the error names the server: \(result.stderr)")
        let row = try #require(try CSVFile(path: csv).rows.first)
        #expect(row["partial"] == "true")
        #expect((Int(row["acquisitions"] ?? "") ?? 0) > 0)
        await fleet.stop()
    }
}
