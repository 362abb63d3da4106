import Foundation

/// Everything a gate run concluded, ready to print as a table, Markdown or JUnit XML.
public struct GateReport: Codable, Sendable {
    /// Lines describing the baseline and the current measurement.
    public var context: [String]
    /// Environment differences and other caveats (never fail the gate by themselves).
    public var notes: [String]
    /// Hard-gate checks.
    public var hard: [HardCheck]
    /// Relative-gate rows (empty with `--hard-only`).
    public var relative: [MetricComparison]

    public init(context: [String], notes: [String] = [], hard: [HardCheck], relative: [MetricComparison]) {
        self.context = context
        self.notes = notes
        self.hard = hard
        self.relative = relative
    }

    /// Whether anything failed: a hard gate, or a metric whose whole interval is past its threshold.
    public var failed: Bool {
        hard.contains { $0.verdict == .fail } || relative.contains { $0.verdict == .fail }
    }

    /// `PASS` or `FAIL` with the counts.
    public var summary: String {
        let hardFailed = hard.filter { $0.verdict == .fail }.count
        let regressed = relative.filter { $0.verdict == .fail }.count
        let improved = relative.filter { $0.verdict == .improved }.count
        var text = failed ? "FAIL" : "PASS"
        text += ": \(hardFailed) of \(hard.count) hard gates failed"
        if !relative.isEmpty {
            let ungated = relative.filter { $0.verdict == .skipped }.count
            text += ", \(regressed) of \(relative.count - ungated) gated metrics regressed"
            if ungated > 0 { text += " (\(ungated) not gated)" }
            if improved > 0 { text += ", \(improved) improved (consider --update-baseline)" }
        }
        return text
    }

    static let hardHeader = ["scenario", "client", "check", "value", "bound", "verdict"]
    static let relativeExplanation =
        "native/hiredis = native's figure ÷ hiredis's in the same round, native/c-reference ÷ the C client's (jain: each client as measured); ratio = current median ÷ baseline median; a metric fails only when its whole interval is past the threshold"
    static let relativeHeader = ["scenario", "of", "metric", "baseline", "current", "ratio", "95% CI", "threshold", "verdict"]

    func hardCells() -> [[String]] {
        hard.map { [$0.scenario, $0.client, $0.check, $0.value, $0.bound, $0.verdict.word] }
    }

    func relativeCells() -> [[String]] {
        relative.map { row in
            let interval = row.interval.map { "[\(Self.number($0.lower)), \(Self.number($0.upper))]" } ?? "-"
            return [
                row.scenario, row.client, row.metric.rawValue, Self.number(row.baseline), Self.number(row.current),
                Self.number(row.ratio), interval, Self.thresholdText(row),
                row.verdict.word + (row.note.map { " (\($0))" } ?? ""),
            ]
        }
    }

    /// `-15%` (higher is better), `+15%` (lower is better), or `off` when no ratio can cross it.
    static func thresholdText(_ row: MetricComparison) -> String {
        let percent = Int((row.threshold * 100).rounded())
        if row.metric.higherIsBetter { return row.threshold >= 1 ? "off" : "-\(percent)%" }
        return "+\(percent)%"
    }

    /// A number with three significant digits, `-` when absent.
    static func number(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "-" }
        let magnitude = abs(x)
        if magnitude >= 100 { return String(format: "%.0f", x) }
        if magnitude >= 10 { return String(format: "%.1f", x) }
        if magnitude >= 1 { return String(format: "%.2f", x) }
        if magnitude >= 0.01 { return String(format: "%.3f", x) }
        return String(format: "%.2e", x)
    }

    /// The plain-text report printed to stdout.
    public func text() -> String {
        var lines = context
        for note in notes { lines.append("note: \(note)") }
        lines.append("")
        lines.append("Hard gates")
        lines += PlainTable.render(header: Self.hardHeader, rows: hardCells())
        if !relative.isEmpty {
            lines.append("")
            lines.append("Relative gates: \(Self.relativeExplanation)")
            lines += PlainTable.render(header: Self.relativeHeader, rows: relativeCells())
        }
        for check in hard where check.verdict == .fail {
            lines.append("hard gate failed: \(check.scenario) \(check.client) \(check.check): \(check.detail ?? check.value)")
        }
        lines.append("")
        lines.append(summary)
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Fixed-width columns, left-aligned, two spaces apart: reads the same in a terminal and a CI log.
enum PlainTable {
    static func render(header: [String], rows: [[String]]) -> [String] {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ")
        }
        return [line(header)] + rows.map(line)
    }
}
