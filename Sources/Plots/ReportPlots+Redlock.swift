import Foundation
import Reports

extension ReportPlots {
    // MARK: Redlock TTL budget

    /// The TTL share at which validity reaches 0: 100% less the drift allowance (factor·TTL + fixed).
    static func overrunLinePct(_ row: SummaryRow) -> Double? {
        guard let ttl = row.number("ttl_ms"), ttl > 0 else { return nil }
        let factor = row.number("drift_factor") ?? 0.01
        let fixed = row.number("drift_fixed_ms") ?? 2
        return 100 - factor * 100 - fixed / ttl * 100
    }

    static func redlockBudget(_ model: ReportModel) -> [ReportPlot] {
        let series = model.series.filter { $0.algorithm == "redlock" }
        return byAxis(series).compactMap { axis, series in
            var plot = LinePlot(
                id: "redlock-budget-\(axis.rawValue)", title: "Redlock: share of the TTL spent acquiring",
                subtitle: "elapsed/TTL per attempt: p50, p99 and max; above the red line no validity is left",
                x: loadAxis(axis, series), y: PlotAxis("elapsed ÷ TTL (log scale)", scale: .log, format: { HumanUnits.percent($0 / 100) }))
            let styles: [(String, String, String?, Double)] = [
                ("p50", "redlock_elapsed_p50_ttl_pct", "2 4", 1.6), ("p99", "redlock_elapsed_p99_ttl_pct", nil, 2.6), ("max", "redlock_elapsed_max_ttl_pct", "9 4", 1.6),
            ]
            var minValidity: (Double, String)?
            for (index, s) in series.enumerated() {
                let name = [s.strategy, s.client, s.qualifier].filter { !$0.isEmpty }.joined(separator: " ")
                for (label, column, dash, width) in styles {
                    var line = medianLine(s, column: column, name: name, color: PlotPalette.color(index), dash: dash, width: width) { HumanUnits.percent($0 / 100) + " of TTL" }
                    line.inLegend = label == "p99"
                    for i in line.points.indices { line.points[i].tip = "\(label) " + (line.points[i].tip ?? "") }
                    plot.series.append(line)
                }
                for cell in s.cells {
                    for row in cell.complete {
                        guard let validity = row.number("validity_min_ms") else { continue }
                        if minValidity.map({ validity < $0.0 }) ?? true {
                            minValidity = (validity, "\(s.client), \(s.loadAxis.text(cell.load ?? 0))")
                        }
                    }
                }
            }
            guard plot.pointCount > 0, let first = series.first?.cells.first?.rows.first, let line = overrunLinePct(first) else { return nil }
            plot.rules.append(.init(y: line, label: "validity 0 (TTL − drift)", color: PlotPalette.limit))
            plot.legendKeys = [
                .init(name: "p50", color: "#555", dash: "2 4", width: 1.6), .init(name: "p99", color: "#555", dash: nil, width: 2.6),
                .init(name: "max", color: "#555", dash: "9 4", width: 1.6),
            ]
            let ttl = first.number("ttl_ms").map { NumberText.grouped($0) + " ms" } ?? "?"
            var caption = "Validity left = TTL − elapsed − drift; the gap between a curve and the red line is the margin a holder has (TTL \(ttl))."
            if let minValidity { caption += " Smallest validity left in any run: \(NumberText.fixed(minValidity.0, 1)) ms (\(minValidity.1))." }
            return ReportPlot(kind: .line(plot), caption: caption)
        }
    }

    static func redlockDistributions(_ model: ReportModel) -> [ReportPlot] {
        let series = model.series.filter { $0.algorithm == "redlock" }
        var lines: [LinePlot.Series] = []
        var curves: [PercentileCurve] = []
        var overrun: Double?
        for run in runLines(series) {
            let row = run.row
            guard let histogram = model.redlockElapsed(of: row),
                  let curve = PercentileCurve.fromNanos(histogram, source: row.runID, runID: row.runID, client: row.client, kind: "redlock-elapsed") else { continue }
            overrun = overrun ?? overrunLinePct(row)
            // The histogram holds parts per million of the TTL; fromNanos divided by 1000, so ×0.1 gives %.
            let points = curve.points.compactMap { point -> LinePlot.Point? in
                let x = -log10(1 - point.fraction)
                guard x.isFinite else { return nil }
                return LinePlot.Point(x, point.value / 10, tip: "\(run.name): p\(NumberText.fixed(point.fraction * 100, 2)) = \(HumanUnits.percent(point.value / 1_000)) of TTL")
            }
            lines.append(run.line(points: points))
            curves.append(curve)
        }
        guard !lines.isEmpty else { return [] }
        var plot = LinePlot(
            id: "redlock-distribution", title: "Redlock: elapsed/TTL distribution per attempt",
            subtitle: "percentile curves of elapsed ÷ TTL from the JSON results; darker = more load, dashed = hiredis",
            x: .percentile(maxX: percentileAxisMax(curves)), y: PlotAxis("elapsed ÷ TTL (log scale)", scale: .log, format: { HumanUnits.percent($0 / 100) }))
        plot.series = lines
        if let overrun { plot.rules.append(.init(y: overrun, label: "validity 0 (TTL − drift)", color: PlotPalette.limit)) }
        return [ReportPlot(kind: .line(plot), caption: "The whole distribution of how much of the TTL each Redlock attempt used; the distance to the red line is the validity margin left to the holder.")]
    }
}
