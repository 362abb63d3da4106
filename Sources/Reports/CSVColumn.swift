/// One CSV column: its name (never renamed silently: scripts and dashboards select by it), its unit,
/// what it means, and how to read its value from a row.
public struct CSVColumn<Row>: Sendable {
    public let name: String
    /// The unit (`µs`, `count`, `acquisitions/s`, …), or `""` for text.
    public let unit: String
    /// One sentence for the README schema.
    public let meaning: String
    /// The cell for a row (`""` when the figure does not apply).
    public let value: @Sendable (Row) -> String

    public init(_ name: String, _ unit: String, _ meaning: String, _ value: @escaping @Sendable (Row) -> String) {
        self.name = name
        self.unit = unit
        self.meaning = meaning
        self.value = value
    }
}

extension Array {
    /// The header names, in order.
    public func csvHeader<Row>() -> [String] where Element == CSVColumn<Row> { map(\.name) }

    /// One row's cells, in header order.
    public func csvCells<Row>(_ row: Row) -> [String] where Element == CSVColumn<Row> { map { $0.value(row) } }

    /// A Markdown table (column, unit, meaning) of these columns, for the README.
    public func csvMarkdownTable<Row>() -> String where Element == CSVColumn<Row> {
        var lines = ["| column | unit | meaning |", "|---|---|---|"]
        for column in self {
            let meaning = column.meaning.replacingPipes()
            lines.append("| `\(column.name)` | \(column.unit.isEmpty ? "" : column.unit.replacingPipes()) | \(meaning) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    fileprivate func replacingPipes() -> String {
        split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|")
    }
}
