import LoadDriver

/// The summary CSV (`--csv FILE`): one row per result, appended; header written once.
public enum CSVWriter {
    /// Throws unless results can be appended to `path` (see `CSVSchema.summary`). Call before the run.
    public static func preflight(path: String) throws(ReportFileError) {
        try CSVAppender.check(header: CSVSchema.summary.csvHeader(), path: path, flag: "--csv")
    }

    /// Appends one row per result to `path`.
    public static func append(_ results: [RunResult], to path: String) throws(ReportFileError) {
        try CSVAppender.append(header: header, rows: results.map(row), to: path, flag: "--csv")
    }

    /// The header, in column order.
    public static var header: [String] { CSVSchema.summary.csvHeader() }

    /// One result's cells, in header order.
    public static func row(_ result: RunResult) -> [String] { CSVSchema.summary.csvCells(result) }
}

/// The per-contender CSV (`--contenders-csv FILE`): one row per contender per result, appended.
public enum ContendersCSVWriter {
    /// Throws unless rows can be appended to `path`. Call before the run.
    public static func preflight(path: String) throws(ReportFileError) {
        try CSVAppender.check(header: CSVSchema.contenders.csvHeader(), path: path, flag: "--contenders-csv")
    }

    /// Appends every contender of every result.
    public static func append(_ results: [RunResult], to path: String) throws(ReportFileError) {
        let rows = results.flatMap { result in
            (0..<result.measurements.raw.contenders).map { CSVSchema.contenders.csvCells(ContenderRow(result: result, contender: $0)) }
        }
        try CSVAppender.append(header: CSVSchema.contenders.csvHeader(), rows: rows, to: path, flag: "--contenders-csv")
    }
}

/// The per-key CSV (`--keys-csv FILE`): one row per key per result, appended (results recorded before
/// keys were counted add none).
public enum KeysCSVWriter {
    /// Throws unless rows can be appended to `path`. Call before the run.
    public static func preflight(path: String) throws(ReportFileError) {
        try CSVAppender.check(header: CSVSchema.keys.csvHeader(), path: path, flag: "--keys-csv")
    }

    /// Appends every key of every result.
    public static func append(_ results: [RunResult], to path: String) throws(ReportFileError) {
        let rows = results.flatMap { result -> [[String]] in
            guard let popularity = result.keyPopularity else { return [] }
            return popularity.grantsByKey.indices.map { CSVSchema.keys.csvCells(KeyRow(result: result, popularity: popularity, key: $0)) }
        }
        try CSVAppender.append(header: CSVSchema.keys.csvHeader(), rows: rows, to: path, flag: "--keys-csv")
    }
}

/// The timeline CSV (`--timeseries-csv FILE`): one row per second of the window per result, appended.
public enum TimeseriesCSVWriter {
    /// Throws unless rows can be appended to `path`. Call before the run.
    public static func preflight(path: String) throws(ReportFileError) {
        try CSVAppender.check(header: CSVSchema.timeseries.csvHeader(), path: path, flag: "--timeseries-csv")
    }

    /// Appends every second of every result.
    public static func append(_ results: [RunResult], to path: String) throws(ReportFileError) {
        let rows = results.flatMap { result in
            result.measurements.raw.timeline.rows.map { CSVSchema.timeseries.csvCells(TimeseriesRow(result: result, second: $0)) }
        }
        try CSVAppender.append(header: CSVSchema.timeseries.csvHeader(), rows: rows, to: path, flag: "--timeseries-csv")
    }
}
