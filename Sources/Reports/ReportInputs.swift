import Foundation
import LoadDriver

/// Everything `bench report` was given, merged: summary rows from CSV and JSON files (one run, a sweep,
/// or several machines' files concatenated), the JSON results themselves (histograms, per-contender
/// grants, Redlock attempts), percentile curves from `.hgrm` files, per-contender grants from a
/// `--contenders-csv` file, and `bench chaos` safety rows.
public struct ReportData: Sendable {
    /// Summary rows, one per run per client, in input order, each run once.
    public var rows: [SummaryRow] = []
    /// Full results from JSON files, by `ReportData.runKey`.
    public var results: [String: RunResult] = [:]
    /// Percentile curves read from `.hgrm` files.
    public var curves: [PercentileCurve] = []
    /// Per-contender grants from contenders CSV files, by `ReportData.runKey`.
    public var grants: [String: [Int]] = [:]
    /// Safety rows from `bench chaos` JSON files.
    public var safety: [SafetyRow] = []
    /// The paths given (files or directories).
    public var arguments: [String] = []
    /// The files read, in order.
    public var sources: [String] = []
    /// Files passed over and why (a knee CSV, a timeline CSV).
    public var notes: [String] = []

    /// Empty data.
    public init() {}

    /// `results.csv, runs/ (1 summary CSV, 2 JSON, 24 .hgrm)`: what was given and what was found in it.
    public var inputSummary: String {
        var counts: [String: Int] = [:]
        for source in sources { counts[(source as NSString).pathExtension.lowercased(), default: 0] += 1 }
        let found = ["csv", "json", "hgrm"].compactMap { ext in counts[ext].map { "\($0) .\(ext)" } }.joined(separator: ", ")
        return arguments.joined(separator: ", ") + (found.isEmpty ? "" : " (\(found))")
    }

    /// Joins a run's rows, histograms and grants: `<run_id> <client>`. A `--client both` run shares one
    /// run id between its two rows, so the client is part of the key.
    public static func runKey(runID: String, client: String) -> String { "\(runID) \(client)" }

    /// Adds results as if read from a JSON file.
    public mutating func add(_ newResults: [RunResult]) {
        for result in newResults {
            let key = Self.runKey(runID: result.identity.runID, client: result.scenario.client.rawValue)
            results[key] = result
            add(rows: [SummaryRow(result)])
        }
    }

    /// Adds summary rows, skipping any run already present (the same file given twice, or a run given
    /// both as CSV and JSON); rows of the same scenario from other runs or hosts are all kept.
    public mutating func add(rows newRows: [SummaryRow]) {
        var seen = Set(rows.map(Self.identity))
        for row in newRows where seen.insert(Self.identity(row)).inserted {
            rows.append(row)
        }
    }

    private static func identity(_ row: SummaryRow) -> String {
        [row.runID, row.client, row.host, row["time"], row.scenarioKey].joined(separator: "\u{1F}")
    }
}

/// Reads `bench report`'s inputs: files or directories (searched recursively), recognised by extension
/// and header, so a `Results/` directory or a sweep's output directory can be given as it is.
public enum ReportInputs {
    /// The merged contents of `paths`.
    public static func load(_ paths: [String]) throws(ReportFileError) -> ReportData {
        var data = ReportData()
        data.arguments = paths
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ReportFileError(.io, path: path, errno: ENOENT, message: "\(path): no such file or directory")
            }
            if isDirectory.boolValue {
                let files = Self.files(under: path)
                if files.isEmpty { data.notes.append("\(path): no .csv, .json or .hgrm files") }
                for file in files { try read(file, into: &data, fromDirectory: true) }
            } else {
                try read(path, into: &data, fromDirectory: false)
            }
        }
        return data
    }

    static let extensions: Set<String> = ["csv", "json", "hgrm"]

    /// Report inputs under `directory`, sorted by path so the order (and the HTML) is reproducible.
    static func files(under directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var found: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let ext = (relative as NSString).pathExtension.lowercased()
            guard extensions.contains(ext) else { continue }
            found.append((directory as NSString).appendingPathComponent(relative))
        }
        return found.sorted()
    }

    static func read(_ path: String, into data: inout ReportData, fromDirectory: Bool) throws(ReportFileError) {
        let ext = (path as NSString).pathExtension.lowercased()
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ReportFileError(.io, path: path, message: "cannot read \(path): \(error.localizedDescription)")
        }
        switch ext {
        case "csv": try readCSV(text, path: path, into: &data)
        case "json": try readJSON(text, path: path, into: &data)
        case "hgrm":
            guard let curve = PercentileCurve.parseHgrm(text, source: path) else {
                throw ReportFileError(.invalidContent, path: path, message: "\(path): no percentile rows; is it an HdrHistogram .hgrm file?")
            }
            data.curves.append(curve)
        default:
            throw ReportFileError(.invalidContent, path: path, message: "\(path): unknown input; give .csv (summary or contenders), .json (bench run/sweep/chaos) or .hgrm files, or directories of them")
        }
        data.sources.append(path)
    }

    static func readCSV(_ text: String, path: String, into data: inout ReportData) throws(ReportFileError) {
        let records: [[String]]
        do {
            records = try CSVText.parse(text)
        } catch {
            throw ReportFileError(.invalidContent, path: path, message: "\(path): \(error)")
        }
        guard let header = records.first else {
            data.notes.append("\(path): empty, skipped")
            return
        }
        let columns = Set(header)
        func rows() -> [[String: String]] {
            records.dropFirst().filter { $0 != [""] }.map { Dictionary(zip(header, $0), uniquingKeysWith: { a, _ in a }) }
        }
        if columns.isSuperset(of: ["run_id", "client", "algorithm", "acquisitions_per_s", "acquire_p99_us"]) {
            data.add(rows: rows().map { SummaryRow(cells: $0) })
        } else if columns.isSuperset(of: ["run_id", "client", "contender", "grants"]) {
            var grants: [String: [Int: Int]] = [:]
            for row in rows() {
                guard let contender = Int(row["contender"] ?? ""), let count = Int(row["grants"] ?? "") else { continue }
                grants[ReportData.runKey(runID: row["run_id"] ?? "", client: row["client"] ?? ""), default: [:]][contender] = count
            }
            for (key, byContender) in grants {
                data.grants[key] = byContender.keys.sorted().map { byContender[$0]! }
            }
        } else if columns.contains("knee_load") {
            data.notes.append("\(path): a knee CSV; the report computes knees from the summary rows, skipped")
        } else if columns.contains("second") {
            data.notes.append("\(path): a timeline CSV, not plotted, skipped")
        } else if columns.isSuperset(of: ["run_id", "key", "expected_pct"]) {
            data.notes.append("\(path): a per-key CSV; the summary rows carry the hottest key, skipped")
        } else {
            throw ReportFileError(.invalidContent, path: path, message: "\(path): not a lockbench summary or contenders CSV (its header has no run_id/acquire_p99_us or run_id/contender/grants columns)")
        }
    }

    static func readJSON(_ text: String, path: String, into data: inout ReportData) throws(ReportFileError) {
        let bytes = Data(text.utf8)
        if let results = try? JSONReportWriter.decode(bytes) {
            data.add(results)
            return
        }
        let decoder = JSONDecoder()
        if let rows = try? decoder.decode([SafetyRow].self, from: bytes) {
            data.safety += rows
            return
        }
        if let row = try? decoder.decode(SafetyRow.self, from: bytes) {
            data.safety.append(row)
            return
        }
        throw ReportFileError(.invalidContent, path: path, message: "\(path): neither a bench run/sweep JSON result nor a list of bench chaos safety rows")
    }
}
