import ArgumentParser
import Foundation
import LoadDriver
import Plots
import Reports
import Stats

/// `bench report`: CSV/JSON/HDR outputs into one offline HTML page and a Markdown summary.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Turn CSV/JSON/HDR outputs into an offline HTML report and a Markdown summary.",
        discussion: """
            Inputs are files or directories (searched recursively): summary CSVs (--csv of bench run or \
            bench sweep), per-contender CSVs (--contenders-csv), JSON results (--json), .hgrm files \
            (--hgrm) and bench chaos safety rows (JSON). Files from one run, a sweep or several machines \
            may be mixed: rows are concatenated, each run once; runs of the same scenario on different \
            hosts stay separate series.

            The HTML page is self-contained (inline CSS and SVG, no script or external resource): \
            throughput, latency percentiles with the SLO and the knee, HDR percentile curves, fairness, \
            the Redlock TTL budget, server commands per acquisition, and the safety table when chaos rows \
            are given. Plots appear when their data is in the inputs (percentile curves need .hgrm or \
            JSON; grant distributions need a contenders CSV or JSON).

            Without --html or --markdown, the Markdown summary goes to stdout. Exit codes: 0 written; \
            2 an input could not be read or an output written; 64 usage error.
            """
    )

    @Argument(help: ArgumentHelp("CSV, JSON and .hgrm files, or directories of them.", valueName: "input"))
    var inputs: [String] = []

    @Option(help: ArgumentHelp("Write the HTML report here (replaced).", valueName: "file"))
    var html: String?

    @Option(help: ArgumentHelp("Write the Markdown summary here (replaced); - for stdout.", valueName: "file"))
    var markdown: String?

    @Option(help: ArgumentHelp("Knee: p99 acquire latency bound.", valueName: "time"))
    var slo = "50ms"

    @Option(help: ArgumentHelp("Knee: error-rate bound, a fraction or a percentage.", valueName: "rate"))
    var maxErrorRate = "1%"

    @Option(help: ArgumentHelp("The report's title.", valueName: "text"))
    var title = "lockbench report"

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one input: a CSV, JSON or .hgrm file, or a directory of them.") }
        _ = try criteria()
    }

    func criteria() throws -> KneeCriteria {
        guard case .fixed(let sloUs)? = try? TimeDistribution(parsing: slo), sloUs > 0 else {
            throw ValidationError("--slo '\(slo)' is invalid: give a duration above 0 such as 50ms or 500us.")
        }
        guard let fraction = SweepCommand.fraction(maxErrorRate) else {
            throw ValidationError("--max-error-rate '\(maxErrorRate)' is invalid: give a fraction in [0, 1] such as 0.01, or a percentage such as 1%.")
        }
        return KneeCriteria(sloUs: Double(sloUs), maxErrorRate: fraction)
    }

    func run() async throws {
        let criteria = try criteria()
        let data: ReportData
        do { data = try ReportInputs.load(inputs) } catch {
            throw Terminal.environmentError("report", error)
        }
        for note in data.notes { Terminal.note("bench report: \(note)") }
        let model = ReportModel(data: data, criteria: criteria)
        do {
            if let html {
                try Self.write(HTMLReport.render(model, title: title), to: html, flag: "--html")
                Terminal.note("wrote \(html): \(ReportPlots.all(model).count) plots from \(data.rows.count) runs")
            }
            let summary = MarkdownSummary.render(model, title: title)
            if let markdown, markdown != "-" {
                try Self.write(summary, to: markdown, flag: "--markdown")
                Terminal.note("wrote \(markdown)")
            } else if markdown == "-" || html == nil {
                print(summary, terminator: "")
            }
        } catch {
            throw Terminal.environmentError("report", error)
        }
    }

    static func write(_ text: String, to path: String, flag: String) throws {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw ReportFileError(.io, path: path, message: "\(flag) \(path): cannot write: \(error.localizedDescription). Check the path and its directory's permissions")
        }
    }
}
