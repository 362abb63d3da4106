import BenchMetrics
import Foundation
import Reports
import Testing

@Suite struct CSVTests {
    static let required = [
        "run_id", "client", "algorithm", "wait", "contenders", "keys", "connections", "pipeline", "ttl_ms", "duration_s",
        "acquisitions", "acquisitions_per_s", "failed_acquires", "errors", "acquire_p50_us", "acquire_p99_us",
        "acquire_p999_us", "acquire_max_us", "jain", "starved", "mutex_violations", "server_cmds_per_acquire",
        "peak_rss_mb", "threads", "partial", "redlock_elapsed_p99_ttl_pct", "validity_min_ms", "ttl_overruns", "split_votes",
    ]

    @Test func headerHasEveryRequiredColumnExactlyOnce() {
        let header = CSVWriter.header
        for name in Self.required {
            #expect(header.filter { $0 == name }.count == 1, "\(name)")
        }
        #expect(Set(header).count == header.count, "duplicate column names")
        for name in header {
            #expect(name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" }, "\(name) is not snake_case")
        }
        // Identity first, then the scenario, then measurements, `partial` after them.
        #expect(header.first == "run_id")
        #expect(header.firstIndex(of: "client")! < header.firstIndex(of: "acquisitions")!)
        #expect(header.firstIndex(of: "threads")! < header.firstIndex(of: "partial")!)
    }

    @Test func rowsParseBackWithTheirValues() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/results.csv"
        let plain = Fixtures.result(.native)
        let redlock = Fixtures.result(.hiredis, .redlock, partial: true, error: "server 127.0.0.1:6401 closed the connection, \"EOF\"\nafter 3 s")
        try CSVWriter.append([plain, redlock], to: path)

        let records = try CSVText.parse(Fixtures.read(path))
        #expect(records.count == 3)
        let header = records[0]
        #expect(header == CSVWriter.header)
        for record in records.dropFirst() { #expect(record.count == header.count) }
        func row(_ n: Int) -> [String: String] { Dictionary(uniqueKeysWithValues: zip(header, records[n])) }

        let a = row(1)
        #expect(a["run_id"] == "20260411-153012-7f3a")
        #expect(a["client"] == "native")
        #expect(a["algorithm"] == "setnx-px")
        #expect(a["wait"] == "backoff")
        #expect(a["wait_params"] == "base=1ms cap=50ms")
        #expect(a["contenders"] == "12")
        #expect(a["keys"] == "3")
        #expect(a["ttl_ms"] == "1000")
        #expect(a["hold"] == "2ms")
        #expect(a["think"] == "exp:500us")
        #expect(a["mode"] == "closed")
        #expect(a["rate"] == "")
        #expect(a["duration_s"] == "10.000")
        #expect(a["acquisitions"] == "66")
        #expect(a["acquisitions_per_s"] == "6.60")
        #expect(a["failed_acquires"] == "1")
        #expect(a["errors"] == "1")
        #expect(a["error_kinds"] == "transport connection reset=1")
        let m = plain.measurements
        #expect(a["acquire_p99_us"] == String(format: "%.3f", m.acquire!.p99Us))
        #expect(Double(a["acquire_max_us"]!) == m.acquire!.maxUs)
        #expect(a["acquire_co_p99_us"] == "") // closed loop
        #expect(a["jain"] == String(format: "%.6f", m.fairness.jain!))
        #expect(a["starved"] == "1")
        #expect(a["grants_min"] == "0")
        #expect(a["grants_max"] == "11")
        #expect(a["mutex_violations"] == "0")
        #expect(a["server_cmds_per_acquire"] == "2.000")
        #expect(a["peak_rss_mb"] == "40.0")
        #expect(a["threads"] == "5")
        #expect(a["partial"] == "false")
        #expect(a["error"] == "")
        for name in ["redlock_elapsed_p99_ttl_pct", "validity_min_ms", "ttl_overruns", "split_votes", "redlock_nodes"] {
            #expect(a[name] == "", "\(name) must be empty for a non-Redlock row")
        }

        let b = row(2)
        #expect(b["client"] == "hiredis")
        #expect(b["algorithm"] == "redlock")
        #expect(b["servers"] == "5")
        #expect(b["redlock_nodes"] == "5")
        #expect(b["split_votes"] == "1")
        #expect(b["ttl_overruns"] == "0")
        #expect(b["redlock_elapsed_p99_ttl_pct"] == String(format: "%.3f", redlock.measurements.redlock!.elapsedTTLP99Pct))
        #expect(Double(b["validity_min_ms"]!)! < 1_000)
        #expect(b["partial"] == "true")
        #expect(b["partial_reason"] == "interrupted (SIGINT)")
        #expect(b["error"] == redlock.error) // comma, quotes and a newline survive
    }

    @Test func appendingToASameHeaderFileAddsOnlyRows() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/results.csv"
        try CSVWriter.append([Fixtures.result(.native)], to: path)
        let before = try Fixtures.read(path)
        try CSVWriter.preflight(path: path)
        try CSVWriter.append([Fixtures.result(.hiredis)], to: path)
        let after = try Fixtures.read(path)
        #expect(after.hasPrefix(before))
        let records = try CSVText.parse(after)
        #expect(records.count == 3)
        #expect(records.filter { $0.first == "run_id" }.count == 1)
        #expect(records[2][records[0].firstIndex(of: "client")!] == "hiredis")
    }

    @Test func anEmptyFileGetsTheHeader() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/empty.csv"
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        try CSVWriter.append([Fixtures.result()], to: path)
        #expect(try CSVText.parse(Fixtures.read(path)).first == CSVWriter.header)
    }

    @Test func aDifferentHeaderIsRefused() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/old.csv"
        var old = CSVWriter.header
        old[5] = "hostname"
        let original = CSVText.record(old) + CSVText.record(Array(repeating: "x", count: old.count))
        try original.write(toFile: path, atomically: true, encoding: .utf8)

        for attempt in [{ try CSVWriter.preflight(path: path) }, { try CSVWriter.append([Fixtures.result()], to: path) }] {
            let error = try #require(throws: ReportFileError.self) { try attempt() }
            #expect(error.code == .headerMismatch)
            #expect(error.path == path)
            #expect(error.message.contains(path))
            #expect(error.message.contains("column 6"))
            #expect(error.message.contains("'hostname'"))
            #expect(error.message.contains("'\(CSVWriter.header[5])'"))
            #expect(error.message.contains("new file"))
        }
        #expect(try Fixtures.read(path) == original) // untouched

        // A header that is a prefix of ours (an older, shorter schema) is refused too.
        let shorter = dir + "/shorter.csv"
        try CSVText.record(Array(CSVWriter.header.dropLast())).write(toFile: shorter, atomically: true, encoding: .utf8)
        let error = try #require(throws: ReportFileError.self) { try CSVWriter.preflight(path: shorter) }
        #expect(error.message.contains("column \(CSVWriter.header.count)"))

        // A non-empty file without a header line is not lockbench's either.
        let blank = dir + "/blank.csv"
        try "\nrow\n".write(toFile: blank, atomically: true, encoding: .utf8)
        let noHeader = try #require(throws: ReportFileError.self) { try CSVWriter.append([Fixtures.result()], to: blank) }
        #expect(noHeader.code == .invalidContent)
        #expect(try Fixtures.read(blank) == "\nrow\n")
    }

    @Test func aTruncatedLastRowDoesNotSwallowTheNextOne() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/cut.csv"
        try (CSVText.record(CSVWriter.header) + "20260411-000000-0000,nat").write(toFile: path, atomically: true, encoding: .utf8)
        try CSVWriter.append([Fixtures.result()], to: path)
        let lines = try Fixtures.read(path).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[1] == "20260411-000000-0000,nat")
        #expect(lines[2].hasPrefix("20260411-153012-7f3a,"))
    }

    @Test func badPathsFailBeforeTheRun() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let isDir = try #require(throws: ReportFileError.self) { try CSVWriter.preflight(path: dir) }
        #expect(isDir.message.contains("is a directory"))
        let missing = try #require(throws: ReportFileError.self) { try CSVWriter.preflight(path: dir + "/nope/results.csv") }
        #expect(missing.message.contains("does not exist"))
        #expect(missing.message.contains("--csv"))
        try JSONReportWriter.preflight(path: dir + "/out.json")
        try HgrmWriter.preflight(directory: dir + "/hgrm")
        #expect(throws: ReportFileError.self) { try HgrmWriter.preflight(directory: dir + "/a/b") }
    }

    @Test(arguments: [
        "plain", "", "with,comma", "with \"quotes\"", "line\nbreak", "crlf\r\nbreak", "\"", ",", " spaces kept ", "µs ✓",
    ])
    func quotingRoundTrips(value: String) throws {
        let record = CSVText.record(["a", value, "z"])
        let parsed = try CSVText.parse(record + record)
        #expect(parsed == [["a", value, "z"], ["a", value, "z"]])
        let needsQuotes = value.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r\n" }
        #expect(CSVText.field(value).hasPrefix("\"") == needsQuotes)
    }

    @Test func quotingFollowsRFC4180() throws {
        #expect(CSVText.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVText.record(["1", "a,b", ""]) == "1,\"a,b\",\n")
        #expect(try CSVText.parse("a,b\r\nc,d\r\n") == [["a", "b"], ["c", "d"]])
        #expect(try CSVText.parse("a,\"\",c\n") == [["a", "", "c"]])
        #expect(throws: CSVParseError.self) { try CSVText.parse("a,\"open\n") }
        #expect(throws: CSVParseError.self) { try CSVText.parse("a,b\"c\n") }
    }

    @Test func contendersAndTimelineFiles() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let results = [Fixtures.result(.native), Fixtures.result(.hiredis, speed: 2)]

        let contenders = dir + "/contenders.csv"
        try ContendersCSVWriter.preflight(path: contenders)
        try ContendersCSVWriter.append(results, to: contenders)
        let c = try CSVText.parse(Fixtures.read(contenders))
        #expect(c[0] == ["run_id", "client", "contender", "key", "grants", "failed", "attempts", "acquire_mean_us"])
        #expect(c.count == 1 + 2 * 12)
        for record in c.dropFirst() { #expect(record.count == c[0].count) }
        let nativeRows = c.dropFirst().filter { $0[1] == "native" }
        #expect(nativeRows.map { Int($0[4])! }.reduce(0, +) == results[0].measurements.acquisitions)
        #expect(nativeRows[0][7] == "") // contender 0 starved: no mean
        #expect(nativeRows[5][3] == "2") // contender 5 → key 5 % 3

        let timeline = dir + "/timeline.csv"
        try TimeseriesCSVWriter.preflight(path: timeline)
        try TimeseriesCSVWriter.append(results, to: timeline)
        let t = try CSVText.parse(Fixtures.read(timeline))
        #expect(t[0] == ["run_id", "client", "second", "acquisitions", "failed", "errors", "acquire_p99_us", "acquire_max_us"])
        let nativeSeconds = t.dropFirst().filter { $0[1] == "native" }
        #expect(nativeSeconds.map { Int($0[3])! }.reduce(0, +) == 66)
        #expect(nativeSeconds.map(\.[2]) == (0..<nativeSeconds.count).map(String.init))
    }

    @Test func markdownSchemaListsEveryColumn() {
        let table = CSVSchema.markdownTable()
        let lines = table.split(separator: "\n")
        #expect(lines[0] == "| column | unit | meaning |")
        #expect(lines.count == 2 + CSVWriter.header.count)
        for name in CSVWriter.header { #expect(table.contains("| `\(name)` |")) }
        #expect(table.contains("| `acquire_p99_us` | µs |"))
    }
}
