import Foundation
import Reports

/// The safety table for a terminal: one aligned line per row, its verdict indented under it, then the
/// per-phase availability of the load scenarios and the notes.
public enum SafetyTable {
    static let headers = [
        "scenario", "variant", "algorithm", "client", "trials", "acq", "overlaps", "stale rej", "stale acc",
        "wrong del", "double", "failed", "unavail ms", "predicted", "result",
    ]

    /// The table, verdicts included.
    public static func render(_ rows: [SafetyRow]) -> String {
        let cells = rows.map { row -> [String] in
            [row.scenario, row.variant, row.algorithm, row.client, "\(row.trials)", "\(row.acquisitions)", "\(row.overlaps)",
             "\(row.staleWritesRejected)", "\(row.staleWritesAccepted)", "\(row.wrongOwnerDeletes)", "\(row.doubleGrants)",
             "\(row.failedAcquisitions)", String(format: "%.0f", row.unavailabilityMs), row.predicted,
             row.confirmed ? "confirmed" : "NOT CONFIRMED"]
        }
        let numeric = Set(4...12)
        var lines = align([headers] + cells, rightAligned: numeric)
        var out = [lines.removeFirst(), String(repeating: "-", count: lines.map(\.count).max() ?? 0)]
        for (line, row) in zip(lines, rows) {
            out.append(line)
            out.append("    " + row.verdict)
        }
        return out.joined(separator: "\n")
    }

    /// Rate, latency and validity per phase.
    public static func renderPhases(_ phases: [PhaseSummary]) -> String {
        func ms(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "-" }
        let header = ["scenario", "variant", "client", "phase", "seconds", "grants", "failed", "grants/s", "p50 ms", "p99 ms", "min validity ms"]
        let cells = phases.map { p -> [String] in
            [p.scenario, p.variant, p.client, p.phase, String(format: "%.2f", p.seconds), "\(p.grants)", "\(p.failed)",
             String(format: "%.0f", p.ratePerSecond), ms(p.p50Ms), ms(p.p99Ms), ms(p.minValidityMs)]
        }
        var lines = align([header] + cells, rightAligned: Set(4...10))
        lines.insert(String(repeating: "-", count: lines.map(\.count).max() ?? 0), at: 1)
        return lines.joined(separator: "\n")
    }

    /// Pads every column to its widest cell; numbers right-aligned.
    static func align(_ table: [[String]], rightAligned: Set<Int>) -> [String] {
        guard let columns = table.first?.count else { return [] }
        let widths = (0..<columns).map { c in table.map { $0[c].count }.max() ?? 0 }
        return table.map { row in
            row.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return rightAligned.contains(c) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
    }
}
