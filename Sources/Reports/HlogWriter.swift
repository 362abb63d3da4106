import BenchMetrics
import Foundation
import HdrLog
import LoadDriver

/// `--hlog DIR`: one HdrHistogram interval log per result (`<run_id>-<client>.hlog`), one interval per
/// second of the window, tagged with the latency kind (`Tag=acquire`, `Tag=handoff`, …), values in
/// nanoseconds. HdrHistogram's readers (Java `HistogramLogProcessor`, Python `hdrhistogram`) load it,
/// and `bench merge` adds shards' logs with `IntervalLog(parsing:)`.
public enum HlogWriter {
    /// Throws unless `directory` exists and is writable, or can be created in a writable parent.
    public static func preflight(directory: String) throws(ReportFileError) {
        try OutputFile.checkOutputDirectory(directory, flag: "--hlog")
    }

    public static func fileName(_ result: RunResult) -> String {
        "\(result.identity.runID)-\(result.scenario.client.rawValue).hlog"
    }

    /// The log of one result; `nil` when the run kept no per-second histograms (`Scenario.intervalHistograms`).
    /// StartTime is the window's start: on the server's clock for a shard or a merged run (so every
    /// shard's log starts at the same instant), else the run's start plus its warm-up, to the second
    /// `RunIdentity.time` gives.
    public static func log(_ result: RunResult) -> IntervalLog? {
        guard let intervals = result.measurements.raw.intervals else { return nil }
        let started = ISO8601DateFormatter().date(from: result.identity.time)?.timeIntervalSince1970 ?? Date().timeIntervalSince1970
        let windowStart = result.serverWindowStartUs.map { Double($0) / 1_000_000 } ?? started + result.scenario.warmupS
        var log = IntervalLog(startTime: windowStart)
        for second in 0..<intervals.seconds {
            for kind in LatencyKind.allCases {
                let histogram = intervals.histograms(kind)[second]
                // A kind the run never records (extend without a watchdog) stays out of the log, but
                // an empty second of a recorded kind stays in: readers see the gap as zero counts.
                guard !histogram.isEmpty || !result.measurements.raw.latency(kind).isEmpty else { continue }
                log.intervals.append(.init(tag: kind.rawValue, start: Double(second), length: 1, histogram: histogram.histogram))
            }
        }
        return log
    }

    /// Writes one `.hlog` per result that kept per-second histograms into `directory` (created if
    /// missing) and returns the paths written. A partial run says so in a comment line, which readers skip.
    @discardableResult
    public static func write(_ results: [RunResult], to directory: String) throws(ReportFileError) -> [String] {
        let pathOf = try OutputFile.prepareOutputDirectory(directory, flag: "--hlog")
        var written: [String] = []
        for result in results {
            guard let log = log(result) else { continue }
            var text = log.text()
            if result.partial { text += HgrmWriter.partialFooter(result) }
            let path = pathOf(fileName(result))
            try OutputFile.replace(text, at: path)
            written.append(path)
        }
        return written
    }
}
