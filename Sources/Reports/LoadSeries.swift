/// The cells of one curve: everything fixed but the load (contenders, or the rate of an open-loop
/// ladder), e.g. setnx-px/backoff on native at 10, 100 and 1,000 contenders.
public struct LoadSeries: Sendable {
    /// Identifies the series (its fixed scenario columns).
    public var key: String
    /// For legends and tables: `setnx-px/backoff native`, plus whatever else differs between series
    /// (`keys=1`, `hold=5ms`, a host name when rows come from several machines).
    public var label: String
    /// What separates this series from the others beyond algorithm, wait and client (`keys=1`); empty
    /// when nothing does.
    public var qualifier: String
    public var algorithm: String
    /// The wait strategy.
    public var wait: String
    /// `native` or `hiredis`.
    public var client: String
    /// The host, when rows come from several machines; else empty.
    public var host: String
    /// Contenders (closed loop) or arrival rate (open loop).
    public var loadAxis: LoadAxis
    /// The cells, by increasing load.
    public var cells: [CellFigures]

    /// `algorithm/wait`.
    public var strategy: String { "\(algorithm)/\(wait)" }
}

/// Splits summary rows into cells (repeats of one scenario) and cells into series (one curve each).
public enum LoadSeriesGrouping {
    /// The series of `rows`, ordered by algorithm, wait, client (native first), then label.
    ///
    /// Keys need care: a sweep usually scales them with the contenders (`--contention 10`: one key per
    /// ten contenders), so the `keys` column changes along a curve, while `--keys 1,100` makes two curves
    /// of fixed keys. Both readings are tried and the one that joins the rows into fewer series wins: the
    /// wrong one splits every cell into a curve of its own.
    public static func group(_ rows: [SummaryRow]) -> [LoadSeries] {
        let severalHosts = Set(rows.map(\.host)).count > 1
        let byKeys = seriesKeys(rows, contentionInsteadOfKeys: false, severalHosts: severalHosts)
        let byContention = seriesKeys(rows, contentionInsteadOfKeys: true, severalHosts: severalHosts)
        let useContention = Set(byContention).count < Set(byKeys).count
        let keys = useContention ? byContention : byKeys

        // Cells: repeats of one scenario on one host (a second machine's run of the same cell is a
        // separate sample of a different machine, not a repeat).
        var cellOrder: [String] = []
        var cellRows: [String: [SummaryRow]] = [:]
        var cellFirstRow: [String: Int] = [:]
        for (index, row) in rows.enumerated() {
            let cellKey = row.scenarioKey + (severalHosts ? "\u{1F}host=\(row.host)" : "")
            if cellRows[cellKey] == nil {
                cellOrder.append(cellKey)
                cellFirstRow[cellKey] = index
            }
            cellRows[cellKey, default: []].append(row)
        }

        var seriesOrder: [String] = []
        var seriesCells: [String: [CellFigures]] = [:]
        var seriesFirstRow: [String: SummaryRow] = [:]
        for cellKey in cellOrder {
            let firstIndex = cellFirstRow[cellKey]!
            let seriesKey = keys[firstIndex]
            if seriesCells[seriesKey] == nil {
                seriesOrder.append(seriesKey)
                seriesFirstRow[seriesKey] = rows[firstIndex]
            }
            seriesCells[seriesKey, default: []].append(CellFigures(key: cellKey, rows: cellRows[cellKey]!))
        }

        let varying = varyingColumns(seriesOrder.map { seriesFirstRow[$0]! }, contention: useContention)
        var series: [LoadSeries] = seriesOrder.map { key in
            let first = seriesFirstRow[key]!
            var qualifiers = varying.map { column in
                column == contentionColumn ? "\(contention(first)) per key" : "\(column)=\(first[column])"
            }
            if severalHosts { qualifiers.append("@\(first.host)") }
            let qualifier = qualifiers.joined(separator: " ")
            let cells = seriesCells[key]!.sorted { ($0.load ?? 0) < ($1.load ?? 0) }
            return LoadSeries(
                key: key, label: "\(first.strategy) \(first.client)" + (qualifier.isEmpty ? "" : " " + qualifier),
                qualifier: qualifier, algorithm: first.algorithm, wait: first.wait, client: first.client,
                host: severalHosts ? first.host : "", loadAxis: first.loadAxis, cells: cells)
        }
        // The harness's own client first, then hiredis: the order legends and tables read in.
        func clientRank(_ client: String) -> Int { client == "native" ? 0 : client == "hiredis" ? 1 : 2 }
        series.sort {
            ($0.algorithm, $0.wait, clientRank($0.client), $0.label) < ($1.algorithm, $1.wait, clientRank($1.client), $1.label)
        }
        return series
    }

    private static let contentionColumn = "contenders_per_key"

    private static func contention(_ row: SummaryRow) -> String {
        guard let contenders = row.number("contenders"), let keys = row.number("keys"), keys > 0 else { return "?" }
        let ratio = contenders / keys
        return ratio.rounded() == ratio ? String(Int(ratio)) : NumberText.fixed(ratio, 1)
    }

    /// The scenario columns that make up a series key: all but the incidental ones and the load.
    private static func fixedColumns(_ row: SummaryRow, contention: Bool) -> [String] {
        var columns = SummaryRow.scenarioColumns.filter { !SummaryRow.incidentalColumns.contains($0) && $0 != row.loadAxis.column }
        if contention, let index = columns.firstIndex(of: "keys") { columns[index] = contentionColumn }
        return columns
    }

    private static func value(_ row: SummaryRow, _ column: String) -> String {
        column == contentionColumn ? contention(row) : row[column]
    }

    private static func seriesKeys(_ rows: [SummaryRow], contentionInsteadOfKeys: Bool, severalHosts: Bool) -> [String] {
        rows.map { row in
            var parts = fixedColumns(row, contention: contentionInsteadOfKeys).map { "\($0)=\(value(row, $0))" }
            if severalHosts { parts.append("host=\(row.host)") }
            return parts.joined(separator: "\u{1F}")
        }
    }

    /// Columns that tell apart series of the same algorithm, wait and client: only those are worth a
    /// label (the server count or Redlock's drift differ between algorithms and say nothing new).
    private static func varyingColumns(_ firstRows: [SummaryRow], contention: Bool) -> [String] {
        guard let sample = firstRows.first else { return [] }
        let groups = Dictionary(grouping: firstRows) { "\($0.strategy) \($0.client) \($0.host)" }.values
        return fixedColumns(sample, contention: contention).filter { column in
            groups.contains { Set($0.map { value($0, column) }).count > 1 }
        }
    }
}
