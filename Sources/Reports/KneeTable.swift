import Stats

/// The knee table `bench sweep` prints at the end and `bench report` puts in its summaries, and the
/// `--knee-csv` file with the same figures.
public enum KneeTable {
    /// One sentence saying what the knee is under `criteria`.
    public static func definition(_ criteria: KneeCriteria) -> String {
        "knee = the highest load whose median p99 acquire latency is ≤ \(HumanUnits.latency(criteria.sloUs)) "
            + "and whose error rate is ≤ \(HumanUnits.percent(criteria.maxErrorRate)), every lower load passing too"
    }

    /// The knee cell of a line: `100`, `< 10` (none under the SLO), `≥ 1,000` (all under it).
    public static func kneeText(_ knee: Knee) -> String {
        switch knee.status {
        case .found: return knee.knee.map { HumanUnits.load($0.load) } ?? "-"
        case .noneUnderSLO: return "< " + (knee.firstFailing.map { HumanUnits.load($0.load) } ?? "?")
        case .allUnderSLO: return "≥ " + (knee.knee.map { HumanUnits.load($0.load) } ?? "?")
        case .noData: return "no data"
        }
    }

    /// The header and rows of the table, as cells.
    public static func cells(_ knees: [SeriesKnee]) -> [[String]] {
        var lines = [["series", "load", "knee", "p99 at knee", "acq/s at knee", "first failing", "p99 there", "errors there", "repeats"]]
        for entry in knees {
            let knee = entry.knee
            let fail = knee.firstFailing
            var failText = fail.map { HumanUnits.load($0.load) } ?? "-"
            if let later = knee.laterPass { failText += " (\(HumanUnits.load(later.load)) passes again)" }
            lines.append([
                entry.series.label,
                entry.series.loadAxis == .rate ? "rate/s" : "contenders",
                kneeText(knee),
                knee.knee?.p99Us.map(HumanUnits.latency) ?? "-",
                knee.knee?.acquisitionsPerSecond.map { NumberText.grouped($0) } ?? "-",
                failText,
                fail.map { $0.p99Us.map(HumanUnits.latency) ?? "no grants" } ?? "-",
                fail.map { HumanUnits.percent($0.errorRate) } ?? "-",
                repeatsText(entry.points),
            ])
        }
        return lines
    }

    /// The table as aligned plain text, the definition above it.
    public static func render(_ knees: [SeriesKnee], criteria: KneeCriteria) -> String {
        var out = "Knee (\(definition(criteria))):\n\n"
        guard !knees.isEmpty else { return out + "no complete runs\n" }
        out += TextTable.render(cells(knees), leftColumns: [0, 1])
        return out
    }

    /// The table in Markdown.
    public static func markdown(_ knees: [SeriesKnee]) -> String {
        TextTable.markdown(cells(knees))
    }

    private static func repeatsText(_ points: [KneePoint]) -> String {
        let counts = points.map(\.repeats)
        guard let low = counts.min(), let high = counts.max() else { return "0" }
        return low == high ? "\(low)" : "\(low)-\(high)"
    }

    /// The `--knee-csv` columns: one row per series.
    public static let csvColumns: [CSVColumn<KneeCSVRow>] = [
        CSVColumn("series", "", "The series: algorithm/wait client and whatever else sets it apart.") { $0.entry.series.label },
        CSVColumn("algorithm", "", "Lock algorithm.") { $0.entry.series.algorithm },
        CSVColumn("wait", "", "Wait strategy.") { $0.entry.series.wait },
        CSVColumn("client", "", "`native` or `hiredis`.") { $0.entry.series.client },
        CSVColumn("qualifier", "", "What else sets the series apart (e.g. `keys=1`), or empty.") { $0.entry.series.qualifier },
        CSVColumn("host", "", "The host, when the rows came from several; else empty.") { $0.entry.series.host },
        CSVColumn("load_axis", "", "`contenders` (closed loop) or `rate` (open loop, acquisitions/s).") { $0.entry.series.loadAxis.rawValue },
        CSVColumn("slo_us", "µs", "The p99 acquire latency bound.") { NumberText.fixed($0.criteria.sloUs, 3) },
        CSVColumn("max_error_rate", "fraction", "The error-rate bound.") { NumberText.fixed($0.criteria.maxErrorRate, 6) },
        CSVColumn("status", "", "`knee`, `none-under-slo` (even the lowest load fails), `all-under-slo` (the knee is above the grid) or `no-data`.") { $0.entry.knee.status.rawValue },
        CSVColumn("knee_load", "contenders or /s", "The knee: highest load passing with every lower load passing (for all-under-slo, the highest load measured).") { r in
            NumberText.fixed(r.entry.knee.knee?.load, 3)
        },
        CSVColumn("knee_p99_us", "µs", "Median p99 acquire latency at the knee.") { NumberText.fixed($0.entry.knee.knee?.p99Us, 3) },
        CSVColumn("knee_error_rate", "fraction", "Median error rate at the knee.") { NumberText.fixed($0.entry.knee.knee?.errorRate, 6) },
        CSVColumn("knee_acquisitions_per_s", "acquisitions/s", "Median throughput at the knee.") { NumberText.fixed($0.entry.knee.knee?.acquisitionsPerSecond, 2) },
        CSVColumn("first_failing_load", "contenders or /s", "The lowest load that failed.") { NumberText.fixed($0.entry.knee.firstFailing?.load, 3) },
        CSVColumn("first_failing_p99_us", "µs", "Median p99 acquire latency there (empty when nothing was granted).") { NumberText.fixed($0.entry.knee.firstFailing?.p99Us, 3) },
        CSVColumn("first_failing_error_rate", "fraction", "Median error rate there.") { NumberText.fixed($0.entry.knee.firstFailing?.errorRate, 6) },
        CSVColumn("later_pass_load", "contenders or /s", "A load above the first failing one that passed again (noise worth a repeat), or empty.") { NumberText.fixed($0.entry.knee.laterPass?.load, 3) },
        CSVColumn("loads", "count", "Loads with at least one complete run.") { NumberText.int($0.entry.points.count) },
        CSVColumn("repeats_min", "count", "Fewest complete repeats behind any load's medians.") { NumberText.int($0.entry.points.map(\.repeats).min()) },
    ]

    /// Replaces `path` with the knee CSV of `knees`.
    public static func writeCSV(_ knees: [SeriesKnee], criteria: KneeCriteria, to path: String) throws(ReportFileError) {
        try OutputFile.checkWritableFile(path, flag: "--knee-csv")
        var text = CSVText.record(csvColumns.csvHeader())
        for entry in knees { text += CSVText.record(csvColumns.csvCells(KneeCSVRow(entry: entry, criteria: criteria))) }
        try OutputFile.replace(text, at: path)
    }

    /// Throws unless `path` can be written. Call before the sweep.
    public static func preflight(path: String) throws(ReportFileError) {
        try OutputFile.checkWritableFile(path, flag: "--knee-csv")
    }
}

/// One series' knee with the criteria it was judged by: a row of the knee CSV.
public struct KneeCSVRow: Sendable {
    /// The series and its knee.
    public var entry: SeriesKnee
    /// The bounds used.
    public var criteria: KneeCriteria
}
