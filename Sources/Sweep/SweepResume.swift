import Foundation
import Reports

/// `--resume`: which cells × repeats a previous, interrupted sweep already finished.
public enum SweepResume {
    /// The complete rows of the summary CSV at `path` (none when the file is missing or empty).
    /// Partial rows (a cell cut short by Ctrl-C or a dead server) are left out, so those runs are redone.
    public static func completedRows(csvPath path: String) throws(ReportFileError) -> [SummaryRow] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let data = try ReportInputs.load([path])
        return data.rows.filter(\.isComplete)
    }

    /// Complete repeats per cell already in `rows`, capped at `repeats`, in cell order.
    public static func done(cells: [PlannedCell], rows: [SummaryRow], repeats: Int) -> [Int] {
        var counts: [String: Int] = [:]
        for row in rows { counts[row.scenarioKey, default: 0] += 1 }
        return cells.map { min(repeats, counts[$0.key] ?? 0) }
    }

    /// The rows that belong to the planned cells: a resumed sweep's knee covers them with the new runs.
    public static func rows(_ rows: [SummaryRow], of cells: [PlannedCell]) -> [SummaryRow] {
        let keys = Set(cells.map(\.key))
        return rows.filter { keys.contains($0.scenarioKey) }
    }
}
