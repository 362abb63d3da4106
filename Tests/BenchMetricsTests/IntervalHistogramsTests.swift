import Histogram
import Testing
@testable import BenchMetrics

@Suite("Per-second interval histograms")
struct IntervalHistogramsTests {
    static let second: UInt64 = 1_000_000_000

    /// A recorder with intervals on, fed grants, releases and handoffs over `seconds` seconds
    /// (seconds 2 and 3 left empty, so the gap shows as empty intervals).
    static func recorder(seed: UInt64, seconds: Int = 6) -> QueueRecorder {
        var recorder = QueueRecorder(contenders: 4, keys: 1, windowStartNanos: 10 * second)
        recorder.recordIntervals()
        var state = seed
        for s in 0..<seconds where s != 2 && s != 3 {
            for i in 0..<500 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let latency = 1_000 + (state >> 40)
                let at = 10 * second + UInt64(s) * second + UInt64(i) * 1_000_000
                recorder.recordAcquired(contender: i % 4, latencyNanos: latency, attempts: 1, completedAtNanos: at)
                recorder.recordRelease(nanos: latency / 3)
                if i % 2 == 0 { recorder.recordHandoff(nanos: latency / 2) }
            }
        }
        return recorder
    }

    @Test func offUnlessAskedAndKeptAcrossReset() {
        var plain = QueueRecorder(contenders: 1, windowStartNanos: 0)
        plain.recordAcquired(contender: 0, latencyNanos: 5, attempts: 1, completedAtNanos: 1)
        #expect(plain.intervals == nil)
        var recorder = Self.recorder(seed: 1)
        recorder.reset(windowStartNanos: 99 * Self.second)
        #expect(recorder.intervals == IntervalHistograms())
    }

    @Test func secondsAddUpToTheWindowHistogram() throws {
        let recorder = Self.recorder(seed: 7)
        let intervals = try #require(recorder.intervals)
        #expect(intervals.seconds == 6)
        for kind in LatencyKind.allCases {
            let perSecond = intervals.histograms(kind)
            #expect(perSecond.count == 6)
            var sum = ClampingHistogram()
            for histogram in perSecond { sum.merge(histogram) }
            #expect(sum == recorder.latency(kind), "\(kind)")
        }
        let acquire = intervals.histograms(.acquire)
        #expect(acquire.map(\.count) == [500, 500, 0, 0, 500, 500])
        #expect(intervals.histograms(.handoff).map(\.count) == [250, 250, 0, 0, 250, 250])
    }

    @Test func queuesMergeSecondBySecond() throws {
        var a = Self.recorder(seed: 1, seconds: 3)
        let b = Self.recorder(seed: 2, seconds: 6)
        let before = try #require(a.intervals)
        a.merge(b)
        let merged = try #require(a.intervals)
        let theirs = try #require(b.intervals)
        #expect(merged.seconds == 6)
        for kind in LatencyKind.allCases {
            let mine = before.histograms(kind)
            for (s, histogram) in merged.histograms(kind).enumerated() {
                var expected = theirs.histograms(kind)[s]
                if s < mine.count { expected.merge(mine[s]) }
                #expect(histogram == expected, "\(kind) second \(s)")
            }
            var sum = ClampingHistogram()
            for histogram in merged.histograms(kind) { sum.merge(histogram) }
            #expect(sum == a.latency(kind))
        }
    }
}

@Suite("ClampingHistogram from a decoded histogram")
struct ClampingFromHistogramTests {
    @Test func keepsBucketsAndExactMax() throws {
        var original = ClampingHistogram()
        for v: UInt64 in [3, 999, 1_000_001, 7_654_321, 7_654_321, 42_000_000_017] { original.record(v) }
        let rebuilt = try #require(ClampingHistogram(original.histogram))
        #expect(rebuilt == original)
        #expect(rebuilt.max == 42_000_000_017)
    }

    @Test func refusesAnotherLayout() {
        var twoDigits = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 1_000, numberOfSignificantValueDigits: .two)
        _ = twoDigits.record(5)
        #expect(ClampingHistogram(twoDigits) == nil)
    }
}
