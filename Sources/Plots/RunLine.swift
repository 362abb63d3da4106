import Reports

/// A cell's median-throughput run as one line of a per-run plot, named and styled the same in every
/// such plot: darker for more load, dashed for hiredis.
struct RunLine {
    var row: SummaryRow
    /// Client, qualifier and load, e.g. `native · 100 contenders`.
    var name: String
    var color: String
    var dash: String?

    /// The plotted line; `name` replaces the default when a plot adds a figure to it.
    func line(_ name: String? = nil, points: [LinePlot.Point]) -> LinePlot.Series {
        .init(name ?? self.name, color: color, dash: dash, width: 2, points: points, markers: false)
    }
}

extension ReportPlots {
    /// The representative run of every cell of `series` that has a load, in series then cell order,
    /// coloured by the cell's place among the loads of all of `series`.
    static func runLines(_ series: [LoadSeries]) -> [RunLine] {
        let loads = distinctLoads(series)
        return series.flatMap { s in
            s.cells.compactMap { cell -> RunLine? in
                guard let row = cell.representative, let load = cell.load else { return nil }
                return RunLine(
                    row: row,
                    name: [s.client, s.qualifier, s.loadAxis.text(load)].filter { !$0.isEmpty }.joined(separator: " · "),
                    color: PlotPalette.sequential(loads.firstIndex(of: load) ?? 0, of: loads.count),
                    dash: PlotPalette.dash(client: s.client))
            }
        }
    }
}
