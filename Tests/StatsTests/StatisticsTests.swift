import Stats
import Testing

/// The one percentile rule (linear interpolation between closest ranks) and the median it implies.
@Suite struct StatisticsTests {
    @Test func medianOfOddAndEvenCounts() {
        #expect(Statistics.median([3, 1, 2]) == 2)
        #expect(Statistics.median([4, 1, 3, 2]) == 2.5)
        #expect(Statistics.median([7]) == 7)
        #expect(Statistics.median([]) == nil)
    }

    @Test func theMedianIsTheFiftiethPercentileToTheLastBit() {
        // Values whose midpoint `a + (b − a) / 2` rounds differently from `(a + b) / 2`.
        let values = [0.1, 0.7, 0.30000000000000004, 1e16 + 2]
        let sorted = values.sorted()
        #expect(Statistics.median(values) == (sorted[1] + sorted[2]) / 2)
        #expect(Statistics.percentile(values, 50) == Statistics.median(values))
    }

    @Test func edgesAreTheMinimumAndMaximum() {
        let values = [5.0, -3, 12, 8, 0]
        #expect(Statistics.percentile(values, 0) == -3)
        #expect(Statistics.percentile(values, 100) == 12)
        #expect(Statistics.percentile([42], 0) == 42)
        #expect(Statistics.percentile([42], 100) == 42)
        #expect(Statistics.percentile([], 0) == nil)
        #expect(Statistics.percentile(sorted: [], 99) == nil)
    }

    @Test func betweenRanksIsInterpolated() {
        // 1...5: rank = p/100 · 4. p90 → rank 3.6, between 4 and 5; p10 → rank 0.4, between 1 and 2.
        let values: [Double] = [1, 2, 3, 4, 5]
        #expect(abs(Statistics.percentile(values, 90)! - 4.6) < 1e-12)
        #expect(abs(Statistics.percentile(values, 10)! - 1.4) < 1e-12)
        #expect(Statistics.percentile(values, 25) == 2)
        // Not nearest-rank: p99 of 10 values is not simply the largest.
        let ten = (1...10).map(Double.init)
        #expect(abs(Statistics.percentile(ten, 99)! - 9.91) < 1e-12)
    }

    @Test func unsortedInputGivesTheSameAsSorted() {
        let values = [9.0, 1, 7, 3, 5, 2]
        for p in stride(from: 0.0, through: 100, by: 12.5) {
            #expect(Statistics.percentile(values, p) == Statistics.percentile(sorted: values.sorted(), p))
        }
    }

    @Test func theMedianElementIsTheLowerMiddleOne() {
        let runs = [("a", 30.0), ("b", 10), ("c", 40), ("d", 20)]
        #expect(Statistics.medianElement(runs) { $0.1 }?.0 == "d", "20 of 10, 20, 30, 40")
        #expect(Statistics.medianElement(Array(runs.prefix(3))) { $0.1 }?.0 == "a")
        #expect(Statistics.medianElement([(String, Double)]()) { $0.1 } == nil)
    }

    @Test func ratiosOfAPair() {
        #expect(Statistics.ratio(3, 2) == 1.5)
        #expect(Statistics.ratio(3, 0) == nil)
        #expect(Statistics.ratio(nil, 2) == nil)
        #expect(Statistics.ratio(3, .infinity) == nil)
        #expect(Statistics.ratio(.nan, 2) == nil)
    }
}
