import Stats

/// A series and its knee: one line of the knee table.
public struct SeriesKnee: Sendable {
    public var series: LoadSeries
    /// The knee under the criteria used.
    public var knee: Knee
    /// The points it was found from, by increasing load.
    public var points: [KneePoint]

    /// The knee of every series of `rows` under `criteria`.
    public static func all(_ rows: [SummaryRow], criteria: KneeCriteria) -> [SeriesKnee] {
        LoadSeriesGrouping.group(rows).map { of($0, criteria: criteria) }
    }

    /// The knee of one series: each cell's medians over its complete repeats (cells with none are left
    /// out: they measured nothing usable, which is not the same as failing).
    public static func of(_ series: LoadSeries, criteria: KneeCriteria) -> SeriesKnee {
        let points = series.cells.compactMap { cell -> KneePoint? in
            guard let load = cell.load, cell.repeats > 0, let errorRate = cell.errorRate else { return nil }
            return KneePoint(load: load, p99Us: cell.kneeP99Us, errorRate: errorRate,
                             acquisitionsPerSecond: cell.median("acquisitions_per_s"), repeats: cell.repeats)
        }
        return SeriesKnee(series: series, knee: Knee.find(points, criteria: criteria), points: points)
    }
}
