import BenchMetrics
import Foundation
import Reports

extension ReportPlots {
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
            var lines: [LinePlot.Series] = []
            var curves: [PercentileCurve] = []
            for run in runLines(series) {
                guard let curve = model.acquireCurve(of: run.row) else { continue }
                lines.append(run.line(points: curvePoints(curve, label: run.name)))
                curves.append(curve)
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
            var lines: [LinePlot.Series] = []
            for run in runLines(series) {
                guard let grants = model.grants(of: run.row), !grants.isEmpty else { continue }
                let fairness = Fairness(grants: grants)
                let name = run.name + " (Jain \(NumberText.fixed(fairness.jain, 2))\(fairness.starved > 0 ? ", \(NumberText.grouped(Double(fairness.starved))) starved" : ""))"
                let points = rankCurve(grants).map { LinePlot.Point($0.0, $0.1, tip: "\(name): contender at rank \(NumberText.fixed($0.0, 0))% got \(NumberText.fixed($0.1, 2))× the mean") }
                lines.append(run.line(name, points: points))
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
}
