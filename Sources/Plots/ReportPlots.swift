import Reports

/// Builds the report's plots from a model. Each function returns no plot when its data is absent (no
/// Redlock rows, no histograms), so a report shows only what its inputs can support.
public enum ReportPlots {
    /// Every plot, in page order.
    public static func all(_ model: ReportModel) -> [ReportPlot] {
        throughput(model) + latency(model) + percentileCurves(model) + fairness(model) + grantDistributions(model)
            + redlockBudget(model) + redlockDistributions(model) + commands(model)
    }

    static func slug(_ text: String) -> String {
        String(text.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }

    static func loadAxis(_ axis: LoadAxis, _ series: [LoadSeries]) -> PlotAxis {
        let loads = series.flatMap { $0.cells.compactMap(\.load) }.filter { $0 > 0 }
        let spread = (loads.max() ?? 1) / (loads.min() ?? 1)
        return PlotAxis(axis.label + (spread >= 10 ? " (log scale)" : ""), scale: spread >= 10 ? .log : .linear, format: HumanUnits.compact)
    }

    /// The load levels these series were run at, each once, ascending: the order plots colour and group them in.
    static func distinctLoads(_ series: [LoadSeries]) -> [Double] {
        Array(Set(series.flatMap { $0.cells.compactMap(\.load) })).sorted()
    }

    static func byAxis(_ series: [LoadSeries]) -> [(LoadAxis, [LoadSeries])] {
        LoadAxis.allCases.compactMap { axis in
            let matching = series.filter { $0.loadAxis == axis }
            return matching.isEmpty ? nil : (axis, matching)
        }
    }

    static let latencyAxisFormat: @Sendable (Double) -> String = { HumanUnits.latency($0) }

    /// Median of a column per cell as a line, the complete repeats as faint points.
    static func medianLine(_ s: LoadSeries, column: String, name: String, color: String, dash: String?, width: Double = 2.2, format: (Double) -> String) -> LinePlot.Series {
        var points: [LinePlot.Point] = []
        var scatter: [LinePlot.Point] = []
        for cell in s.cells {
            guard let load = cell.load else { continue }
            if let value = cell.median(column) {
                points.append(.init(load, value, tip: "\(s.label), \(s.loadAxis.text(load)): \(format(value)) (median of \(cell.repeats))"))
            }
            if cell.repeats > 1 {
                for row in cell.complete {
                    guard let value = row.number(column) else { continue }
                    scatter.append(.init(load, value, tip: "\(s.label), \(s.loadAxis.text(load)), run \(row.runID): \(format(value))"))
                }
            }
        }
        return .init(name, color: color, dash: dash, width: width, points: points, scatter: scatter)
    }

    // MARK: Throughput and fairness against load

    static func throughput(_ model: ReportModel) -> [ReportPlot] {
        byAxis(model.series).map { axis, series in
            var plot = LinePlot(
                id: "throughput-\(axis.rawValue)", title: "Acquisitions per second vs load",
                subtitle: "median of the repeats (faint dots: each repeat); colour: strategy, dashed: hiredis",
                x: loadAxis(axis, series), y: PlotAxis("acquisitions/s", includeZero: true))
            plot.series = series.map {
                medianLine($0, column: "acquisitions_per_s", name: $0.label, color: model.color(of: $0), dash: PlotPalette.dash(client: $0.client)) {
                    NumberText.grouped($0) + " acq/s"
                }
            }
            return ReportPlot(kind: .line(plot), caption: "Locks granted per second over the measurement window. Where the curve flattens, more contenders only add waiting.")
        }
    }

    static func fairness(_ model: ReportModel) -> [ReportPlot] {
        byAxis(model.series).compactMap { axis, series in
            var plot = LinePlot(
                id: "jain-\(axis.rawValue)", title: "Fairness: Jain's index over per-contender grants",
                subtitle: "1 = every contender got the same number of grants; 1/n = one got them all",
                x: loadAxis(axis, series), y: PlotAxis("Jain's fairness index", domain: 0...1, format: { NumberText.fixed($0, 1) }))
            plot.series = series.map {
                medianLine($0, column: "jain", name: $0.label, color: model.color(of: $0), dash: PlotPalette.dash(client: $0.client)) { NumberText.fixed($0, 4) }
            }
            guard plot.pointCount > 0 else { return nil }
            return ReportPlot(kind: .line(plot), caption: "How evenly the grants were spread. Low values with many contenders mean a few win repeatedly while others wait or starve.")
        }
    }

    // MARK: Latency against load, with the SLO and the knee

    /// A series' name within its strategy's plot: the client and what else sets it apart (`native keys=1
    /// topology=etcd:3`), for the legend, the knee ring and the caption alike.
    static func lineName(_ series: LoadSeries) -> String {
        [series.client, series.qualifier].filter { !$0.isEmpty }.joined(separator: " ")
    }

    static func latency(_ model: ReportModel) -> [ReportPlot] {
        var plots: [ReportPlot] = []
        for strategy in model.strategies {
            for (axis, series) in byAxis(model.series.filter { $0.strategy == strategy }) {
                let corrected = axis == .rate
                var plot = LinePlot(
                    id: "latency-\(slug(strategy))-\(axis.rawValue)", title: "Acquire latency vs load: \(strategy)",
                    subtitle: corrected ? "open loop: measured from each request's intended start (coordinated omission corrected)"
                        : "first attempt to grant, retries and sleeps included; median of the repeats",
                    x: loadAxis(axis, series), y: PlotAxis("acquire latency (log scale)", scale: .log, format: latencyAxisFormat))
                let prefix = corrected ? "acquire_co_" : "acquire_"
                let styles: [(String, String, String?, Double)] = [("p50", "p50_us", "2 4", 1.6), ("p99", "p99_us", nil, 2.6), ("p99.9", "p999_us", "9 4", 1.6)]
                for (index, s) in series.enumerated() {
                    let color = PlotPalette.color(index)
                    let name = lineName(s)
                    for (percentile, suffix, dash, width) in styles {
                        var line = medianLine(s, column: prefix + suffix, name: name, color: color, dash: dash, width: width) { HumanUnits.latency($0) }
                        line.inLegend = percentile == "p99"
                        for i in line.points.indices { line.points[i].tip = "\(percentile) " + (line.points[i].tip ?? "") }
                        plot.series.append(line)
                    }
                    let knee = model.knees.first { $0.series.key == s.key }?.knee
                    if let point = knee?.knee, knee?.status == .found, let p99 = point.p99Us {
                        plot.callouts.append(.init(x: point.load, y: p99, label: "\(name) knee: \(HumanUnits.load(point.load))", color: color))
                    }
                }
                plot.rules.append(.init(y: model.criteria.sloUs, label: "SLO p99 \(HumanUnits.latency(model.criteria.sloUs))", color: PlotPalette.limit))
                plot.legendKeys = [
                    .init(name: "p50", color: "#555", dash: "2 4", width: 1.6),
                    .init(name: "p99", color: "#555", dash: nil, width: 2.6),
                    .init(name: "p99.9", color: "#555", dash: "9 4", width: 1.6),
                ]
                let kneeText = series.compactMap { s -> String? in
                    guard let knee = model.knees.first(where: { $0.series.key == s.key })?.knee else { return nil }
                    // The line's legend name, not the client alone: series of one strategy differ by
                    // keys or target (a store sweep), and "native: < 10, native: 100" says nothing.
                    return "\(lineName(s)): \(KneeTable.kneeText(knee))"
                }.joined(separator: ", ")
                plots.append(ReportPlot(kind: .line(plot), caption: "p50, p99 and p99.9 of the time from the first attempt to the grant. The red line is the SLO on p99; the ring marks the knee, the highest load whose p99 stays under it with every lower load passing too (knee \(kneeText))."))
            }
        }
        return plots
    }
}
