import Reports
import Testing

/// Rows become cells (repeats of one scenario) and cells become series (one curve each).
@Suite struct LoadSeriesTests {
    @Test func keysScaledWithContendersStayOneSeries() {
        // The default sweep: one key per ten contenders, so the keys column changes along the curve.
        let rows = [10, 100, 1_000].enumerated().map { ReportRows.row(run: $0.offset, contenders: $0.element, p99Ms: 1) }
        let series = LoadSeriesGrouping.group(rows)
        #expect(series.count == 1)
        #expect(series[0].cells.map(\.load) == [10, 100, 1_000])
        #expect(series[0].label == "setnx-px/backoff native")
    }

    @Test func fixedKeyCountsAreSeparateSeries() {
        var rows: [SummaryRow] = []
        for (n, (contenders, keys)) in [(10, 1), (100, 1), (1_000, 1), (100, 100), (1_000, 100)].enumerated() {
            rows.append(ReportRows.row(run: n, contenders: contenders, keys: keys, p99Ms: 1))
        }
        let series = LoadSeriesGrouping.group(rows)
        #expect(series.map(\.label) == ["setnx-px/backoff native keys=1", "setnx-px/backoff native keys=100"])
        #expect(series.map { $0.cells.count } == [3, 2])
    }

    @Test func clientsAlgorithmsAndHostsSplitSeries() {
        let rows = [
            ReportRows.row(run: 0, client: "native", contenders: 10, p99Ms: 1),
            ReportRows.row(run: 1, client: "hiredis", contenders: 10, p99Ms: 1),
            ReportRows.row(run: 2, algorithm: "redlock", contenders: 10, p99Ms: 1),
            ReportRows.row(run: 3, client: "native", contenders: 10, p99Ms: 1, host: "bench-2"),
        ]
        let series = LoadSeriesGrouping.group(rows)
        #expect(series.count == 4)
        #expect(series.contains { $0.label == "setnx-px/backoff native @bench-2" })
    }

    @Test func repeatsOfACellShareOneMedian() {
        let rows = [3.0, 9, 5].enumerated().map { ReportRows.row(run: $0.offset, contenders: 10, p99Ms: $0.element) }
        let cell = LoadSeriesGrouping.group(rows)[0].cells[0]
        #expect(cell.repeats == 3)
        #expect(cell.median("acquire_p99_us") == 5_000)
    }
}
