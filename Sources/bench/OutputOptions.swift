import ArgumentParser
import LoadDriver
import Reports

/// Where a run writes its figures besides the terminal.
struct OutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Append one row per client to this CSV (header written once; see README for columns).", valueName: "file"))
    var csv: String?

    @Option(help: ArgumentHelp("Write one row per contender (grants, failures, attempts) to this CSV.", valueName: "file"))
    var contendersCsv: String?

    @Option(help: ArgumentHelp("Write one row per lock key (grants, share of grants, share the --key-dist expects) to this CSV.", valueName: "file"))
    var keysCsv: String?

    @Option(help: ArgumentHelp("Write acquisitions and errors per second to this CSV.", valueName: "file"))
    var timeseriesCsv: String?

    @Option(help: ArgumentHelp("Write HdrHistogram percentile distributions (.hgrm, µs) into this directory.", valueName: "dir"))
    var hgrm: String?

    @Option(help: ArgumentHelp("Write HdrHistogram interval logs (.hlog, ns, one interval per second, tagged per latency kind) into this directory.", valueName: "dir"))
    var hlog: String?

    @Option(help: ArgumentHelp("Write the scenario and every figure as JSON to this file.", valueName: "file"))
    var json: String?

    @Option(help: ArgumentHelp("Write every grant in the window (key, token, fencing token, hold start and end, valid-until, wall-clock µs, with the shard's clock offset) as JSON lines to this file; one client and one round only.", valueName: "file"))
    var grantsLog: String?

    /// Every flag above: `bench run --shards N` keeps them for the merged run and gives none to its
    /// shards, which would otherwise all write one file. Add a new output flag here too.
    static let flagNames: Set<String> = ["--csv", "--contenders-csv", "--keys-csv", "--timeseries-csv", "--hgrm", "--hlog", "--json", "--grants-log"]

    /// Checks every output path before the run starts, so a typo does not waste the run.
    func preflight() throws(ReportFileError) {
        if let csv { try CSVWriter.preflight(path: csv) }
        if let contendersCsv { try ContendersCSVWriter.preflight(path: contendersCsv) }
        if let keysCsv { try KeysCSVWriter.preflight(path: keysCsv) }
        if let timeseriesCsv { try TimeseriesCSVWriter.preflight(path: timeseriesCsv) }
        if let hgrm { try HgrmWriter.preflight(directory: hgrm) }
        if let hlog { try HlogWriter.preflight(directory: hlog) }
        if let json { try JSONReportWriter.preflight(path: json) }
        if let grantsLog { try GrantLogFile.preflight(path: grantsLog) }
    }

    /// Writes every requested output; returns the paths written.
    func write(_ results: [RunResult]) throws(ReportFileError) -> [String] {
        var written: [String] = []
        if let csv { try CSVWriter.append(results, to: csv); written.append(csv) }
        if let contendersCsv { try ContendersCSVWriter.append(results, to: contendersCsv); written.append(contendersCsv) }
        if let keysCsv { try KeysCSVWriter.append(results, to: keysCsv); written.append(keysCsv) }
        if let timeseriesCsv { try TimeseriesCSVWriter.append(results, to: timeseriesCsv); written.append(timeseriesCsv) }
        if let hgrm { written += try HgrmWriter.write(results, to: hgrm) }
        if let hlog { written += try HlogWriter.write(results, to: hlog) }
        if let json { try JSONReportWriter.write(results, to: json); written.append(json) }
        if let grantsLog, let log = results.first?.grants { try GrantLogFile.write(log, to: grantsLog); written.append(grantsLog) }
        return written
    }
}
