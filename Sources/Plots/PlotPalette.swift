import Reports

/// Colours and dash patterns the report uses, chosen to stay apart for the common colour-vision
/// deficiencies (Okabe–Ito) and on a projector.
public enum PlotPalette {
    /// Series colours, in order of use.
    public static let colors = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#8C6D31", "#7F7F7F", "#F0E442"]
    /// Loads from light to dark: a sequence reads as "more".
    public static let sequential = ["#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b", "#041c40"]
    /// The SLO and other limits.
    public static let limit = "#C0392B"
    /// The knee callout.
    public static let knee = "#111111"

    /// The colour of series `index`.
    public static func color(_ index: Int) -> String { colors[index % colors.count] }

    /// The colour of load level `index` of `count`.
    public static func sequential(_ index: Int, of count: Int) -> String {
        guard count > 1 else { return sequential[3] }
        let position = Double(index) / Double(count - 1) * Double(sequential.count - 1)
        return sequential[Int(position.rounded())]
    }

    /// Dash per client: the same colour can then carry the algorithm or the load.
    public static func dash(client: String) -> String? { client == "hiredis" ? "7 4" : nil }
}

extension ReportModel {
    /// A colour per series identity beyond the client (strategy and qualifier), stable across plots.
    func color(of series: LoadSeries) -> String {
        var seen: [String] = []
        for s in self.series {
            let identity = s.strategy + " " + s.qualifier
            if !seen.contains(identity) { seen.append(identity) }
        }
        return PlotPalette.color(seen.firstIndex(of: series.strategy + " " + series.qualifier) ?? 0)
    }
}
