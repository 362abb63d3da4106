import BenchMetrics
import LoadDriver

/// `--hgrm DIR`: one HdrHistogram percentile-distribution file per latency kind per result, values in
/// microseconds, the text format HdrHistogram's plotters (e.g. HistogramLogAnalyzer, the online
/// plotter) read.
public enum HgrmWriter {
    /// Throws unless `directory` exists and is writable, or can be created in a writable parent.
    public static func preflight(directory: String) throws(ReportFileError) {
        try OutputFile.checkOutputDirectory(directory, flag: "--hgrm")
    }

    /// The file name for one kind of one result: `<run_id>-<client>-<kind>.hgrm`.
    public static func fileName(_ result: RunResult, _ kind: LatencyKind) -> String {
        "\(result.identity.runID)-\(result.scenario.client.rawValue)-\(kind.rawValue).hgrm"
    }

    /// The `.hgrm` text of one histogram of nanoseconds, in µs; `nil` when it is empty (the format has
    /// no way to say "no samples", and plotters choke on an empty table).
    public static func text(_ histogram: ClampingHistogram) -> String? {
        histogram.isEmpty ? nil : histogram.percentileDistribution(valueUnitScalingRatio: 1_000)
    }

    /// `#[Partial = true, Reason = …]`, the line that marks a histogram of a run cut short.
    public static func partialFooter(_ result: RunResult) -> String {
        let reason = (result.partialReason ?? result.error ?? "unknown").map { $0.isNewline ? " " : $0 }
        return "#[Partial = true, Reason = \(String(reason))]\n"
    }

    /// Writes every non-empty latency kind of every result into `directory` (created if missing) and
    /// returns the paths written.
    @discardableResult
    public static func write(_ results: [RunResult], to directory: String) throws(ReportFileError) -> [String] {
        let pathOf = try OutputFile.prepareOutputDirectory(directory, flag: "--hgrm")
        var written: [String] = []
        for result in results {
            for kind in LatencyKind.allCases {
                guard var text = text(result.measurements.raw.latency(kind)) else { continue }
                // The format has no field for it, but readers skip `#[` lines they do not know: a
                // file cut short by Ctrl-C or a failure says so in the file itself, not only in the CSV.
                if result.partial { text += partialFooter(result) }
                let path = pathOf(fileName(result, kind))
                try OutputFile.replace(text, at: path)
                written.append(path)
            }
        }
        return written
    }
}
