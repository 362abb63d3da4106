import Foundation
import Histogram
import Testing
@testable import HdrLog

@Suite("HdrHistogram interval logs")
struct IntervalLogTests {
    /// Three seconds of two metrics, with counts per tag a multiple of 1,000 so every percentile's rank
    /// is a whole count: Python rounds the rank to nearest, Java and Swift round it up, and they agree
    /// only where there is nothing to round.
    static func sampleLog() -> IntervalLog {
        var generator = SystemRandomNumberGenerator()
        var log = IntervalLog(startTime: 1_796_000_000.25)
        for second in 0..<3 {
            for (tag, scale) in [("acquire", UInt64(200_000)), ("release", UInt64(40_000))] {
                var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 2, numberOfSignificantValueDigits: .three)
                histogram.autoResize = true
                for _ in 0..<2000 { _ = histogram.record(UInt64.random(in: 1...scale, using: &generator)) }
                _ = histogram.record(scale * 5000) // a tail far above the rest, as a stall gives
                _ = histogram.record(scale * 3, count: 999)
                log.intervals.append(.init(tag: tag, start: Double(second), length: 1, histogram: histogram))
            }
        }
        return log
    }

    @Test func writesTheJavaLayout() throws {
        let text = Self.sampleLog().text()
        let lines = text.split(separator: "\n")
        #expect(lines[0] == "#[Histogram log format version 1.3]")
        #expect(lines[1].hasPrefix("#[StartTime: 1796000000.250 (seconds since epoch), "))
        #expect(lines[2] == "#[BaseTime: 1796000000.250 (seconds since epoch)]")
        #expect(lines[3] == "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"")
        #expect(lines[4].hasPrefix("Tag=acquire,0.000,1.000,"))
        #expect(lines[4].split(separator: ",")[4].hasPrefix("HISTF")) // base64 of cookie 0x1c849314
        #expect(lines.count == 4 + 6)
    }

    @Test func readsBackWhatItWrites() throws {
        let log = Self.sampleLog()
        let read = try IntervalLog(parsing: log.text())
        #expect(read.startTime == 1_796_000_000.25)
        #expect(read.baseTime == 1_796_000_000.25)
        #expect(read.tags == ["acquire", "release"])
        #expect(read.intervals.count == log.intervals.count)
        for (a, b) in zip(read.intervals, log.intervals) {
            #expect(a.tag == b.tag && a.start == b.start && a.length == b.length)
            #expect(HistogramV2CodecTests.buckets(a.histogram) == HistogramV2CodecTests.buckets(b.histogram))
            #expect(a.histogram.maxRecorded == b.histogram.maxRecorded, "the max column brings the exact maximum back")
        }
        let total = try #require(read.total(tag: "acquire"))
        #expect(total.totalCount == 9000)
    }

    @Test func readsUntaggedLinesAndRelativeTimesWithoutHeaders() throws {
        var histogram = Histogram<UInt64>(highestTrackableValue: 1_000_000)
        _ = histogram.record(500)
        let payload = Data(HistogramV2Codec.encodeCompressed(histogram)).base64EncodedString()
        let read = try IntervalLog(parsing: "#just a comment\n0.127,1.007,0.001,\(payload)\n")
        #expect(read.intervals.count == 1)
        #expect(read.intervals[0].tag == nil)
        #expect(read.intervals[0].start == 0.127)
        #expect(read.baseTime == 0)
    }

    @Test func rejectsMalformedLinesNamingTheLine() throws {
        let good = Self.sampleLog().text()
        let cases = [
            good + "Tag=x,1.0,1.0,HISTFAAA\n", // four fields but the histogram is cut short
            good + "Tag=x,1.0,1.0\n", // three fields
            good + "Tag=x,one,1.0,1.0,HISTFAAAAB542pNpmSzMwMDAxAABzFCaEUoz2X+AMIKZAEARAtM=\n",
            good + "Tag=x,1.0,1.0,1.0,%%%\n",
        ]
        for text in cases {
            do {
                _ = try IntervalLog(parsing: text)
                Issue.record("accepted a malformed line: \(text.split(separator: "\n").last ?? "")")
            } catch let error as HdrLogError {
                #expect(error.line == 11, "\(error)")
            }
        }
    }

    /// HdrHistogram's own Python reader loads our log and finds the same counts, buckets and percentiles.
    @Test func pythonHdrHistogramReadsOurLog() throws {
        let log = Self.sampleLog()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hlog-interop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("run.hlog")
        try log.text().write(to: file, atomically: true, encoding: .utf8)

        let python = try PythonHdrHistogram.summarize(log: file)
        #expect(Set(python.keys) == ["acquire", "release"])
        for tag in ["acquire", "release"] {
            let ours = try #require(log.total(tag: tag))
            let theirs = try #require(python[tag])
            #expect(theirs.intervals == 3)
            #expect(theirs.count == ours.totalCount)
            #expect(theirs.min == ours.min)
            #expect(theirs.max == ours.max)
            #expect(theirs.p50 == ours.valueAtPercentile(50))
            #expect(theirs.p90 == ours.valueAtPercentile(90))
            #expect(theirs.p99 == ours.valueAtPercentile(99))
            #expect(theirs.p999 == ours.valueAtPercentile(99.9))
            var buckets: [String: UInt64] = [:]
            for (value, count) in HistogramV2CodecTests.buckets(ours) { buckets[String(value)] = count }
            #expect(theirs.buckets == buckets)
        }
    }
}
