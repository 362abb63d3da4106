/// `bench report --markdown`: a short summary to paste into a pull request: where it ran, the knee
/// table, and the key figures per cell.
public enum MarkdownSummary {
    /// The summary of `model`.
    public static func render(_ model: ReportModel, title: String = "lockbench report") -> String {
        var out = "### \(title)\n\n"
        let environment = ReportTables.environment(model)
        out += environment.map { "**\($0.0)** \($0.1)" }.joined(separator: " · ") + "\n\n"
        if !model.knees.isEmpty {
            out += "**Knee** (\(KneeTable.definition(model.criteria))):\n\n"
            out += KneeTable.markdown(model.knees) + "\n"
        }
        if !model.data.rows.isEmpty {
            out += "**Key figures** (medians over complete repeats):\n\n"
            let cells = ReportTables.cells(model)
            // The PR view is narrow: keep the columns a reviewer compares.
            let keep = [0, 1, 2, 3, 4, 5, 6, 7, 8]
            out += TextTable.markdown(cells.map { line in keep.map { $0 < line.count ? line[$0] : "" } }) + "\n"
        }
        if !model.data.safety.isEmpty {
            let unconfirmed = model.data.safety.filter { !$0.confirmed }
            out += "**Safety under faults**: \(model.data.safety.count) rows, \(unconfirmed.count) not as predicted.\n\n"
            out += TextTable.markdown(ReportTables.safety(model.data.safety).map { Array($0.prefix(11)) + [$0[14], $0[15]] }) + "\n"
        }
        return out
    }
}
