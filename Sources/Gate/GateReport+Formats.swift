import Foundation
import Reports

extension GateReport {
    /// Markdown for a pull-request comment or a CI job summary: the verdict first, then both tables.
    public func markdown() -> String {
        // TextTable's Markdown, as the plan report's: one table writer, one escaping rule.
        func table(_ header: [String], _ rows: [[String]]) -> [String] {
            [String(TextTable.markdown([header] + rows).dropLast())]
        }
        var lines = ["## bench gate: \(failed ? "❌" : "✅") \(summary)", ""]
        lines += context.map { "- \($0)" }
        lines += notes.map { "- note: \($0)" }
        lines += ["", "### Hard gates", ""]
        lines += table(Self.hardHeader, hardCells())
        if !relative.isEmpty {
            lines += ["", "### Relative gates", "",
                      Self.relativeExplanation + ".", ""]
            lines += table(Self.relativeHeader, relativeCells())
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// JUnit XML: one suite for the hard gates, one for the relative gates, a test case per check, so
    /// a CI system lists each failed check by name.
    public func junit() -> String {
        JUnitXML.render(name: "bench gate", suites: [("hard gates", hardCases()), ("relative gates", relativeCases())])
    }

    typealias JUnitCase = JUnitXML.Case

    func hardCases() -> [JUnitCase] {
        hard.map { check in
            let text = "\(check.value) (bound \(check.bound))" + (check.detail.map { ": \($0)" } ?? "")
            return JUnitCase(
                classname: "gate.hard.\(check.scenario)", name: "\(check.client) \(check.check)",
                failure: check.verdict == .fail ? text : nil, skipped: check.verdict == .skipped, detail: text)
        }
    }

    func relativeCases() -> [JUnitCase] {
        relativeCells().enumerated().map { index, cells in
            let row = relative[index]
            let text = "baseline \(cells[3]), current \(cells[4]), ratio \(cells[5]), CI \(cells[6]), threshold \(cells[7])"
                + (row.note.map { ": \($0)" } ?? "")
            return JUnitCase(
                classname: "gate.relative.\(row.scenario)", name: "\(row.client) \(row.metric.rawValue)",
                failure: row.verdict == .fail ? text : nil, skipped: row.verdict == .skipped, detail: text)
        }
    }
}
