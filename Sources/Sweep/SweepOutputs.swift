import LoadDriver
import Reports
import Synchronization

/// Where a sweep writes each finished run: the same files as `bench run`'s output flags, appended run
/// by run so an interrupted sweep keeps every row it finished.
public final class SweepOutputs: Sendable {
    /// Summary CSV (`--csv`): one row per run.
    public let csv: String?
    /// Per-contender CSV (`--contenders-csv`).
    public let contendersCSV: String?
    /// Per-key CSV (`--keys-csv`).
    public let keysCSV: String?
    /// Per-second CSV (`--timeseries-csv`).
    public let timeseriesCSV: String?
    /// `.hgrm` directory (`--hgrm`): files named by each run's own run id.
    public let hgrm: String?
    /// JSON file (`--json`): rewritten after each run with every result so far.
    public let json: String?
    private let jsonResults: Mutex<[RunResult]>

    /// Outputs at these paths; `earlierJSON` are results a resumed sweep keeps in its JSON file.
    public init(
        csv: String?, contendersCSV: String?, timeseriesCSV: String?, hgrm: String?, json: String?, keysCSV: String? = nil,
        earlierJSON: [RunResult] = []
    ) {
        self.csv = csv
        self.contendersCSV = contendersCSV
        self.keysCSV = keysCSV
        self.timeseriesCSV = timeseriesCSV
        self.hgrm = hgrm
        self.json = json
        jsonResults = Mutex(earlierJSON)
    }

    /// Throws unless every output can be written. Call before starting servers.
    public func preflight() throws(ReportFileError) {
        if let csv { try CSVWriter.preflight(path: csv) }
        if let contendersCSV { try ContendersCSVWriter.preflight(path: contendersCSV) }
        if let keysCSV { try KeysCSVWriter.preflight(path: keysCSV) }
        if let timeseriesCSV { try TimeseriesCSVWriter.preflight(path: timeseriesCSV) }
        if let hgrm { try HgrmWriter.preflight(directory: hgrm) }
        if let json { try JSONReportWriter.preflight(path: json) }
    }

    /// Writes one finished run everywhere asked.
    public func write(_ result: RunResult) throws(ReportFileError) {
        if let csv { try CSVWriter.append([result], to: csv) }
        if let contendersCSV { try ContendersCSVWriter.append([result], to: contendersCSV) }
        if let keysCSV { try KeysCSVWriter.append([result], to: keysCSV) }
        if let timeseriesCSV { try TimeseriesCSVWriter.append([result], to: timeseriesCSV) }
        if let hgrm { try HgrmWriter.write([result], to: hgrm) }
        if let json {
            let all = jsonResults.withLock { results in
                results.append(result)
                return results
            }
            // The file always holds every run so far (one run as an object, more as a list; `bench
            // report` reads both), so stopping at any point leaves a complete file.
            try JSONReportWriter.write(all, to: json)
        }
    }
}
