import BenchMetrics
import Foundation
import LoadDriver
import Reports
import Testing

/// `--keys-csv` and the summary's key-popularity columns, from a recorder fed known per-key grants.
@Suite struct KeysCSVTests {
    /// Fixtures' run with hotspot 1 of 3 keys at 50%: key 0 got 6 grants, key 1 three, key 2 one.
    static func result() -> RunResult {
        var r = Fixtures.result()
        r.scenario.keyDist = .hotspot(hotKeysPct: 34, hotAccessPct: 50)
        var raw = QueueRecorder(contenders: 12, keys: 3, windowStartNanos: 0)
        for (key, grants) in [6, 3, 1].enumerated() {
            for _ in 0..<grants { raw.recordKeyGrant(key: key) }
        }
        r.measurements.raw = raw
        return r
    }

    @Test func oneRowPerKeyWithSharesAndExpectations() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/keys.csv"
        try KeysCSVWriter.append([Self.result()], to: path)
        let lines = try Fixtures.read(path).split(separator: "\n").map(String.init)
        #expect(lines[0] == "run_id,client,key_dist,key,grants,grants_pct,expected_pct")
        #expect(lines.count == 4)
        #expect(lines[1] == "20260411-153012-7f3a,native,hotspot:34%/50%,0,6,60.0000,50.0000")
        #expect(lines[3] == "20260411-153012-7f3a,native,hotspot:34%/50%,2,1,10.0000,25.0000")
        // `bench report` recognises the file and skips it with a note instead of refusing it.
        let data = try ReportInputs.load([path])
        #expect(data.notes.contains { $0.contains("per-key CSV") })
    }

    @Test func summaryColumnsNameTheHottestKey() {
        let row = SummaryRow(Self.result())
        #expect(row["key_dist"] == "hotspot:34%/50%")
        #expect(row["hot_key"] == "0")
        #expect(row["hot_key_grants_pct"] == "60.000")
        #expect(row["hot_key_expected_pct"] == "50.000")
        let line = SummaryTable.render([Self.result()])
        #expect(line.contains("hottest key (native): key 0, 60.0% of grants (expected 50.0% under hotspot:34%/50%); 3 of 3 keys granted"))
    }
}
