/// One plot of the report with a sentence on how to read it.
public struct ReportPlot: Sendable {
    public enum Kind: Sendable {
        case line(LinePlot)
        /// Grouped bars.
        case bars(BarPlot)
    }

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

    public var svg: String {
        switch kind {
        case .line(let plot): return plot.svg()
        case .bars(let plot): return plot.svg()
        }
    }
}
