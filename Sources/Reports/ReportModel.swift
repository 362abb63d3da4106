import BenchMetrics
import Stats

/// What the HTML and Markdown reports are drawn from: the data, grouped into series once, each with
/// its knee, and the lookups that join a summary row to its histograms and grants.
public struct ReportModel: Sendable {
    /// The inputs.
    public var data: ReportData
    /// The SLO and error bound the knees are judged by.
    public var criteria: KneeCriteria
    /// Every series with its knee, in `LoadSeriesGrouping` order.
    public var knees: [SeriesKnee]

    /// Groups `data` and finds each series' knee.
    public init(data: ReportData, criteria: KneeCriteria) {
        self.data = data
        self.criteria = criteria
        knees = SeriesKnee.all(data.rows, criteria: criteria)
    }

    public var series: [LoadSeries] { knees.map(\.series) }

    /// Strategies (`algorithm/wait`) in series order, each once.
    public var strategies: [String] {
        var seen = Set<String>()
        return series.map(\.strategy).filter { seen.insert($0).inserted }
    }

    /// The acquire-latency percentile curve of a run: from a `.hgrm` file when one was given, else from
    /// the histogram in its JSON result (open loop: the corrected one, which is the honest curve there).
    public func acquireCurve(of row: SummaryRow) -> PercentileCurve? {
        let kind = row.loadAxis == .rate ? "acquire-corrected" : "acquire"
        if let curve = data.curves.first(where: { $0.runID == row.runID && $0.client == row.client && $0.kind == kind }) {
            return curve
        }
        guard let result = data.results[ReportData.runKey(runID: row.runID, client: row.client)] else { return nil }
        let histogram = kind == "acquire" ? result.measurements.raw.acquireLatency : result.measurements.raw.acquireCorrectedLatency
        return PercentileCurve.fromNanos(histogram, source: "\(row.runID)-\(row.client)-\(kind)", runID: row.runID, client: row.client, kind: kind)
    }

    /// Per-contender grants of a run: from a contenders CSV, else from its JSON result.
    public func grants(of row: SummaryRow) -> [Int]? {
        let key = ReportData.runKey(runID: row.runID, client: row.client)
        if let grants = data.grants[key] { return grants }
        return data.results[key]?.measurements.raw.grants
    }

    /// The Redlock elapsed/TTL histogram of a run (parts per million of the TTL), from its JSON result.
    public func redlockElapsed(of row: SummaryRow) -> ClampingHistogram? {
        guard let raw = data.results[ReportData.runKey(runID: row.runID, client: row.client)]?.measurements.raw.redlock,
              raw.attempts > 0 else { return nil }
        return raw.elapsedTTLPPM
    }

    /// `.hgrm` curves whose run is not among the rows: drawn on their own, labelled by file name.
    public var unmatchedCurves: [PercentileCurve] {
        let runs = Set(data.rows.map { ReportData.runKey(runID: $0.runID, client: $0.client) })
        return data.curves.filter { curve in
            guard let runID = curve.runID, let client = curve.client else { return true }
            return !runs.contains(ReportData.runKey(runID: runID, client: client))
        }
    }
}
