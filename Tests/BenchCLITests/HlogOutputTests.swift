import Foundation
import HdrLog
import TestSupport
import Testing

/// `bench run --hlog DIR` end to end: the interval log of a real run reads back, one interval per
/// second per tag, and each tag's seconds add up to the run's own figures exactly.
@Suite("bench run --hlog")
struct HlogOutputTests {
    @Test("the .hlog of a short run adds up to the CSV's acquisitions and the .hgrm totals")
    func intervalLogOfARun() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("runs.csv").path
        let hlog = dir.appendingPathComponent("hlog").path
        let hgrm = dir.appendingPathComponent("hgrm").path
        let result = try await runBench([
            "run", "--client", "native", "--contenders", "24", "--keys", "6", "--hold", "500us",
            "--duration", "2500ms", "--warmup", "200ms", "--csv", csv, "--hlog", hlog, "--hgrm", hgrm,
        ])
        #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
        let row = try #require(try CSVFile(path: csv).rows.first)
        let acquisitions = try #require(UInt64(row["acquisitions"] ?? ""))
        let files = try FileManager.default.contentsOfDirectory(atPath: hlog).filter { $0.hasSuffix(".hlog") }
        #expect(files.count == 1)
        let file = try #require(files.first)
        #expect(file == "\(row["run_id"] ?? "?")-native.hlog")
        let log = try IntervalLog(parsing: String(contentsOfFile: hlog + "/" + file, encoding: .utf8))
        #expect(log.tags.contains("acquire") && log.tags.contains("release") && log.tags.contains("handoff"))
        #expect(!log.tags.contains("extend"), "a kind the run never recorded stays out of the log")
        let acquireSeconds = log.intervals.filter { $0.tag == "acquire" }
        // A 2.5 s window covers seconds 0, 1 and 2 (the last partly): never fewer, and at most one
        // more for events completing right at the end.
        #expect((3...4).contains(acquireSeconds.count), "\(acquireSeconds.count) acquire intervals")
        #expect(acquireSeconds.map(\.start) == (0..<acquireSeconds.count).map(Double.init))
        #expect(try #require(log.total(tag: "acquire")).totalCount == acquisitions)
        for tag in ["acquire", "release", "handoff"] {
            let hgrmFile = hgrm + "/\(row["run_id"] ?? "?")-native-\(tag).hgrm"
            let text = try String(contentsOfFile: hgrmFile, encoding: .utf8)
            let total = try #require(log.total(tag: tag)).totalCount
            // `#[Max     =  …, Total count    =        27217]`
            let line = try #require(text.split(separator: "\n").first { $0.contains("Total count") })
            let count = line.split(separator: "=").last?.trimmingCharacters(in: CharacterSet(charactersIn: " ]"))
            #expect(count == String(total), "\(tag): .hgrm says \(count ?? "?"), .hlog adds up to \(total)")
        }
    }

    @Test("--hlog naming a file, not a directory, is refused before the run (exit 2)")
    func hlogNotADirectory() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("plain-file").path
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        let result = try await runBench(["run", "--hlog", file, "--duration", "1s"], boundSeconds: 30)
        #expect(result.status == 2, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("--hlog") && result.stderr.contains("not a directory"), "\(result.stderr)")
        #expect(result.children.isEmpty, "the path is checked before any server starts")
    }
}
