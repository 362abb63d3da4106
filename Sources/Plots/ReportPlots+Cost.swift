import Reports
import Stats

extension ReportPlots {
    // MARK: Cost

    static func commands(_ model: ReportModel) -> [ReportPlot] {
        var plots: [ReportPlot] = []
        for (axis, series) in byAxis(model.series) {
            let loads = distinctLoads(series)
            var groups: [BarPlot.Group] = []
            for strategy in model.strategies {
                let members = series.filter { $0.strategy == strategy }
                var bars: [BarPlot.Bar] = []
                for load in loads {
                    // Both clients send the same commands: pool their runs.
                    let rows = members.flatMap { $0.cells.filter { $0.load == load }.flatMap(\.complete) }
                    guard let value = Statistics.median(rows.compactMap { $0.number("server_cmds_per_acquire") }) else { continue }
                    bars.append(.init(member: axis.text(load), value: value, tip: "\(strategy), \(axis.text(load)): \(NumberText.fixed(value, 2)) server commands per acquisition (median of \(rows.count) runs)"))
                }
                if !bars.isEmpty { groups.append(.init(label: strategy, bars: bars)) }
            }
            guard !groups.isEmpty else { continue }
            let plot = BarPlot(
                id: "commands-\(axis.rawValue)", title: "Server commands per acquisition, by strategy",
                subtitle: "INFO commandstats delta ÷ acquisitions (script-internal commands included); median over clients and repeats",
                y: PlotAxis("server commands per acquisition"), groups: groups,
                members: loads.enumerated().map { (axis.text($0.element), PlotPalette.sequential($0.offset, of: loads.count)) },
                valueFormat: { NumberText.fixed($0, $0 >= 100 ? 0 : 1) })
            plots.append(ReportPlot(kind: .bars(plot), caption: "What each granted lock costs the server. Retries under contention, pub/sub wake-ups and queue tickets all show up here; Redlock pays once per master."))
        }
        return plots
    }
}
