import BenchMetrics
import Foundation
import Stats

/// One plot of the report with a sentence on how to read it.
public struct ReportPlot: Sendable {
    /// The plot.
    public enum Kind: Sendable {
        /// Lines.
        case line(LinePlot)
        /// Grouped bars.
        case bars(BarPlot)
    }

    /// The plot.
    public var kind: Kind
    /// How to read it, under the plot.
    public var caption: String

    /// The id (`data-plot` in the SVG).
    public var id: String {
        switch kind {
        case .line(let plot): return plot.id
        case .bars(let plot): return plot.id
        }
    }

    /// Data points (line points) or bars drawn.
    public var dataCount: Int {
        switch kind {
        case .line(let plot): return plot.pointCount
        case .bars(let plot): return plot.barCount
        }
    }

    /// The SVG.
    public var svg: String {
        switch kind {
        case .line(let plot): return plot.svg()
        case .bars(let plot): return plot.svg()
        }
    }
}

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

    static func loadText(_ load: Double, _ axis: LoadAxis) -> String {
        axis == .rate ? "\(HumanUnits.load(load))/s" : "\(HumanUnits.load(load)) contenders"
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
                points.append(.init(load, value, tip: "\(s.label), \(loadText(load, s.loadAxis)): \(format(value)) (median of \(cell.repeats))"))
            }
            if cell.repeats > 1 {
                for row in cell.complete {
                    guard let value = row.number(column) else { continue }
                    scatter.append(.init(load, value, tip: "\(s.label), \(loadText(load, s.loadAxis)), run \(row.runID): \(format(value))"))
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
                    let name = [s.client, s.qualifier].filter { !$0.isEmpty }.joined(separator: " ")
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
                    return "\(s.client): \(KneeTable.kneeText(knee))"
                }.joined(separator: ", ")
                plots.append(ReportPlot(kind: .line(plot), caption: "p50, p99 and p99.9 of the time from the first attempt to the grant. The red line is the SLO on p99; the ring marks the knee, the highest load whose p99 stays under it with every lower load passing too (knee \(kneeText))."))
            }
        }
        return plots
    }

    // MARK: HDR percentile curves

    static func percentileAxisMax(_ curves: [PercentileCurve]) -> Double {
        curves.flatMap(\.points).map { -log10(1 - $0.fraction) }.filter(\.isFinite).max() ?? 3
    }

    static func curvePoints(_ curve: PercentileCurve, scale: Double = 1, label: String) -> [LinePlot.Point] {
        curve.points.compactMap { point in
            let x = -log10(1 - point.fraction)
            guard x.isFinite else { return nil }
            let pct = NumberText.fixed(point.fraction * 100, point.fraction >= 0.999 ? 3 : 1)
            return LinePlot.Point(x, point.value * scale, tip: "\(label): p\(pct) = \(HumanUnits.latency(point.value * scale))")
        }
    }

    static func percentileCurves(_ model: ReportModel) -> [ReportPlot] {
        var plots: [ReportPlot] = []
        for strategy in model.strategies {
            let series = model.series.filter { $0.strategy == strategy }
            let loads = Array(Set(series.flatMap { $0.cells.compactMap(\.load) })).sorted()
            var lines: [LinePlot.Series] = []
            var curves: [PercentileCurve] = []
            for s in series {
                for cell in s.cells {
                    guard let row = cell.representative, let load = cell.load, let curve = model.acquireCurve(of: row) else { continue }
                    let name = [s.client, s.qualifier, loadText(load, s.loadAxis)].filter { !$0.isEmpty }.joined(separator: " · ")
                    let color = PlotPalette.sequential(loads.firstIndex(of: load) ?? 0, of: loads.count)
                    lines.append(.init(name, color: color, dash: PlotPalette.dash(client: s.client), width: 2, points: curvePoints(curve, label: name), markers: false))
                    curves.append(curve)
                }
            }
            guard !lines.isEmpty else { continue }
            var plot = LinePlot(
                id: "hdr-\(slug(strategy))", title: "Acquire latency by percentile: \(strategy)",
                subtitle: "HdrHistogram percentile curves of each cell's median-throughput run; darker = more load, dashed = hiredis",
                x: .percentile(maxX: percentileAxisMax(curves)), y: PlotAxis("acquire latency (log scale)", scale: .log, format: latencyAxisFormat))
            plot.series = lines
            plot.rules.append(.init(y: model.criteria.sloUs, label: "SLO \(HumanUnits.latency(model.criteria.sloUs))", color: PlotPalette.limit))
            plots.append(ReportPlot(kind: .line(plot), caption: "Each curve is one run's whole latency distribution: read the value at 99% or 99.9% along the bottom. A curve that turns up sharply has a tail that one percentile hides."))
        }
        let unmatched = model.unmatchedCurves
        if !unmatched.isEmpty {
            var plot = LinePlot(
                id: "hdr-files", title: "Percentile curves from .hgrm files",
                subtitle: "files whose run is not in the CSV/JSON inputs, labelled by file name",
                x: .percentile(maxX: percentileAxisMax(unmatched)), y: PlotAxis("latency (log scale)", scale: .log, format: latencyAxisFormat))
            plot.series = unmatched.enumerated().map { index, curve in
                let name = (curve.source as NSString).lastPathComponent
                return .init(name, color: PlotPalette.color(index), width: 2, points: curvePoints(curve, label: name), markers: false)
            }
            plots.append(ReportPlot(kind: .line(plot), caption: "Latency distributions read from HdrHistogram percentile files."))
        }
        return plots
    }

    // MARK: Per-contender grants

    /// Sorted grants over their mean, at most `limit` points spread evenly over the ranks (first and
    /// last kept): 10,000 contenders need not be 10,000 points on a 600-pixel line.
    static func rankCurve(_ grants: [Int], limit: Int = 120) -> [(Double, Double)] {
        let sorted = grants.sorted()
        let mean = Double(sorted.reduce(0, +)) / Double(max(1, sorted.count))
        guard !sorted.isEmpty, mean > 0 else { return [] }
        let n = sorted.count
        let indices = n <= limit ? Array(0..<n) : (0..<limit).map { Int((Double($0) / Double(limit - 1) * Double(n - 1)).rounded()) }
        return indices.map { i in (n == 1 ? 50 : Double(i) / Double(n - 1) * 100, Double(sorted[i]) / mean) }
    }

    static func grantDistributions(_ model: ReportModel) -> [ReportPlot] {
        var plots: [ReportPlot] = []
        for strategy in model.strategies {
            let series = model.series.filter { $0.strategy == strategy }
            let loads = Array(Set(series.flatMap { $0.cells.compactMap(\.load) })).sorted()
            var lines: [LinePlot.Series] = []
            for s in series {
                for cell in s.cells {
                    guard let row = cell.representative, let load = cell.load, let grants = model.grants(of: row), !grants.isEmpty else { continue }
                    let fairness = Fairness(grants: grants)
                    var name = [s.client, s.qualifier, loadText(load, s.loadAxis)].filter { !$0.isEmpty }.joined(separator: " · ")
                    name += " (Jain \(NumberText.fixed(fairness.jain, 2))\(fairness.starved > 0 ? ", \(NumberText.grouped(Double(fairness.starved))) starved" : ""))"
                    let points = rankCurve(grants).map { LinePlot.Point($0.0, $0.1, tip: "\(name): contender at rank \(NumberText.fixed($0.0, 0))% got \(NumberText.fixed($0.1, 2))× the mean") }
                    let color = PlotPalette.sequential(loads.firstIndex(of: load) ?? 0, of: loads.count)
                    lines.append(.init(name, color: color, dash: PlotPalette.dash(client: s.client), width: 2, points: points, markers: false))
                }
            }
            guard !lines.isEmpty else { continue }
            var plot = LinePlot(
                id: "grants-\(slug(strategy))", title: "Grants per contender, sorted: \(strategy)",
                subtitle: "each contender's grants over the mean, fewest first; flat at 1 is perfectly fair, 0 is starved",
                x: PlotAxis("contenders ranked by grants (% of contenders)", domain: 0...100, format: { NumberText.fixed($0, 0) + "%" }),
                y: PlotAxis("grants ÷ mean grants", includeZero: true, format: { HumanUnits.compact($0) + "×" }))
            plot.series = lines
            plot.rules.append(.init(y: 1, label: "fair share", color: "#555"))
            plots.append(ReportPlot(kind: .line(plot), caption: "The per-contender grant distribution of each cell's median-throughput run. The left end shows the unlucky contenders: at 0 they never got the lock in the window."))
        }
        return plots
    }

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
                            minValidity = (validity, "\(s.client), \(loadText(cell.load ?? 0, s.loadAxis))")
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
        let loads = Array(Set(series.flatMap { $0.cells.compactMap(\.load) })).sorted()
        var lines: [LinePlot.Series] = []
        var curves: [PercentileCurve] = []
        var overrun: Double?
        for s in series {
            for cell in s.cells {
                guard let row = cell.representative, let load = cell.load, let histogram = model.redlockElapsed(of: row),
                      let curve = PercentileCurve.fromNanos(histogram, source: row.runID, runID: row.runID, client: row.client, kind: "redlock-elapsed") else { continue }
                overrun = overrun ?? overrunLinePct(row)
                let name = [s.client, s.qualifier, loadText(load, s.loadAxis)].filter { !$0.isEmpty }.joined(separator: " · ")
                // The histogram holds parts per million of the TTL; fromNanos divided by 1000, so ×0.1 gives %.
                let points = curve.points.compactMap { point -> LinePlot.Point? in
                    let x = -log10(1 - point.fraction)
                    guard x.isFinite else { return nil }
                    return LinePlot.Point(x, point.value / 10, tip: "\(name): p\(NumberText.fixed(point.fraction * 100, 2)) = \(HumanUnits.percent(point.value / 1_000)) of TTL")
                }
                lines.append(.init(name, color: PlotPalette.sequential(loads.firstIndex(of: load) ?? 0, of: loads.count), dash: PlotPalette.dash(client: s.client), width: 2, points: points, markers: false))
                curves.append(curve)
            }
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

    // MARK: Cost

    static func commands(_ model: ReportModel) -> [ReportPlot] {
        var plots: [ReportPlot] = []
        for (axis, series) in byAxis(model.series) {
            let loads = Array(Set(series.flatMap { $0.cells.compactMap(\.load) })).sorted()
            var groups: [BarPlot.Group] = []
            for strategy in model.strategies {
                let members = series.filter { $0.strategy == strategy }
                var bars: [BarPlot.Bar] = []
                for load in loads {
                    // Both clients send the same commands: pool their runs.
                    let rows = members.flatMap { $0.cells.filter { $0.load == load }.flatMap(\.complete) }
                    guard let value = Statistics.median(rows.compactMap { $0.number("server_cmds_per_acquire") }) else { continue }
                    bars.append(.init(member: loadText(load, axis), value: value, tip: "\(strategy), \(loadText(load, axis)): \(NumberText.fixed(value, 2)) server commands per acquisition (median of \(rows.count) runs)"))
                }
                if !bars.isEmpty { groups.append(.init(label: strategy, bars: bars)) }
            }
            guard !groups.isEmpty else { continue }
            let plot = BarPlot(
                id: "commands-\(axis.rawValue)", title: "Server commands per acquisition, by strategy",
                subtitle: "INFO commandstats delta ÷ acquisitions (script-internal commands included); median over clients and repeats",
                y: PlotAxis("server commands per acquisition"), groups: groups,
                members: loads.enumerated().map { (loadText($0.element, axis), PlotPalette.sequential($0.offset, of: loads.count)) },
                valueFormat: { NumberText.fixed($0, $0 >= 100 ? 0 : 1) })
            plots.append(ReportPlot(kind: .bars(plot), caption: "What each granted lock costs the server. Retries under contention, pub/sub wake-ups and queue tickets all show up here; Redlock pays once per master."))
        }
        return plots
    }
}
