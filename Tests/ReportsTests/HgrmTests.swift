import BenchMetrics
import Foundation
import Reports
import Testing

@Suite struct HgrmTests {
    @Test func percentileDistributionFormat() throws {
        var h = ClampingHistogram()
        for us in 1...1_000 { h.record(UInt64(us) * 1_000) } // 1 µs … 1 ms
        let text = try #require(HgrmWriter.text(h))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0].contains("Value     Percentile TotalCount 1/(1-Percentile)"))
        #expect(lines[1].isEmpty)
        // Values are in µs: the last row of the table is the maximum, 1000 µs.
        let rows = lines.filter { $0.first == " " && !$0.contains("Value") }
        let last = try #require(rows.last).split(separator: " ")
        #expect(abs(try #require(Double(last[0])) - 1_000) < 1)
        #expect(last[1] == "1.000000000000")
        #expect(last[2] == "1000")
        #expect(text.contains("#[Mean    ="))
        #expect(text.contains("StdDeviation"))
        #expect(text.contains("#[Max     ="))
        #expect(text.contains("Total count    =         1000]"))
        #expect(text.contains("#[Buckets ="))
        #expect(HgrmWriter.text(ClampingHistogram()) == nil)
    }

    @Test func oneFilePerLatencyKindPerClient() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/hgrm"
        let results = [Fixtures.result(.native, open: true), Fixtures.result(.hiredis, open: true)]
        let written = try HgrmWriter.write(results, to: out)
        let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        // acquire, acquire-corrected, handoff, release per client; nothing extended, no watchdog.
        #expect(names == [
            "20260411-153012-7f3a-hiredis-acquire-corrected.hgrm", "20260411-153012-7f3a-hiredis-acquire.hgrm",
            "20260411-153012-7f3a-hiredis-handoff.hgrm", "20260411-153012-7f3a-hiredis-release.hgrm",
            "20260411-153012-7f3a-native-acquire-corrected.hgrm", "20260411-153012-7f3a-native-acquire.hgrm",
            "20260411-153012-7f3a-native-handoff.hgrm", "20260411-153012-7f3a-native-release.hgrm",
        ])
        #expect(written.count == 8)
        let acquire = try Fixtures.read(out + "/20260411-153012-7f3a-native-acquire.hgrm")
        #expect(acquire.hasPrefix("       Value     Percentile TotalCount 1/(1-Percentile)\n"))
        #expect(acquire.contains("Total count    =           66]"))
        // Writing again replaces the files instead of appending.
        try HgrmWriter.write(results, to: out)
        #expect(try Fixtures.read(out + "/20260411-153012-7f3a-native-acquire.hgrm") == acquire)
    }
}
