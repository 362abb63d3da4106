import BenchMetrics
import Foundation
import Histogram
import Testing

@Suite("ClampingHistogram growth")
struct ClampingHistogramGrowthTests {
    /// It grows its buckets itself instead of through the library's auto-resize; the result must be the
    /// histogram auto-resize would have built: same counts, same ceiling, same extremes.
    @Test(arguments: [UInt64(1), 7, 0x5DEE_CE66])
    func growsLikeAutoResize(seed: UInt64) {
        var state = seed
        var clamping = ClampingHistogram()
        var plain = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 2, numberOfSignificantValueDigits: .three)
        plain.autoResize = true
        for i in 0..<5_000 {
            state &+= 0x9E37_79B9_7F4A_7C15
            let z = (state ^ (state >> 31)) &* 0xBF58_476D_1CE4_E5B9
            // Magnitudes from single nanoseconds to near an hour, in no particular order.
            let value = ((z >> 20) >> UInt64(i % 20 + (i % 3) * 2)) % ClampingHistogram.oneHourNanos
            clamping.record(value)
            _ = plain.record(value)
        }
        #expect(clamping.histogram == plain)
        #expect(clamping.histogram.highestTrackableValue == plain.highestTrackableValue)
        #expect(clamping.max == plain.maxRecorded)
        #expect(clamping.min == plain.min)
        for percentile in [50.0, 99.0, 99.9, 100.0] {
            #expect(clamping.value(atPercentile: percentile) == plain.valueAtPercentile(percentile))
        }
    }

    /// A merged histogram that covers more than the receiving one knows about still takes later values.
    @Test func recordsAfterMergingALargerOne() {
        var small = ClampingHistogram()
        small.record(10)
        var large = ClampingHistogram()
        large.record(3_000_000_000)
        small.merge(large)
        small.record(5_000)
        small.record(4_000_000_000)
        #expect(small.count == 4)
        #expect(small.max == 4_000_000_000)
        #expect(small.value(atPercentile: 50) == small.histogram.valueAtPercentile(50))
    }
}
