import Reports

/// A line plot rendered as inline SVG: no script, no external font or stylesheet, so the HTML report
/// opens offline and prints. Every data point is a `<circle class="pt">` with a `<title>` tooltip
/// giving its exact figure.
public struct LinePlot: Sendable {
    /// One point; `tip` is the tooltip text.
    public struct Point: Sendable {
        /// x value.
        public var x: Double
        /// y value.
        public var y: Double
        public var tip: String?
        public init(_ x: Double, _ y: Double, tip: String? = nil) {
            self.x = x
            self.y = y
            self.tip = tip
        }
    }

    /// One line.
    public struct Series: Sendable {
        /// Legend text.
        public var name: String
        /// Stroke colour.
        public var color: String
        /// `stroke-dasharray`, or `nil` for solid.
        public var dash: String?
        /// Stroke width, px.
        public var width: Double
        /// The line's points (joined in order).
        public var points: [Point]
        /// Points drawn faintly without a line: the individual repeats behind a median.
        public var scatter: [Point]
        /// Whether to mark each point of the line.
        public var markers: Bool
        /// Whether the legend lists it (several curves may share one entry).
        public var inLegend: Bool

        public init(_ name: String, color: String, dash: String? = nil, width: Double = 2, points: [Point], scatter: [Point] = [], markers: Bool = true, inLegend: Bool = true) {
            self.name = name
            self.color = color
            self.dash = dash
            self.width = width
            self.points = points
            self.scatter = scatter
            self.markers = markers
            self.inLegend = inLegend
        }
    }

    /// A horizontal reference line across the plot (an SLO, a budget).
    public struct Rule: Sendable {
        /// Where, in y units.
        public var y: Double
        /// Its label, drawn above it at the right.
        public var label: String
        public var color: String
    }

    /// A ringed point with a label (the knee).
    public struct Callout: Sendable {
        /// x value.
        public var x: Double
        /// y value.
        public var y: Double
        /// Label text.
        public var label: String
        /// Ring colour.
        public var color: String
    }

    /// An extra legend entry (e.g. what dash styles mean).
    public struct LegendKey: Sendable {
        public var name: String
        public var color: String
        /// Dash, or `nil`.
        public var dash: String?
        public var width: Double
    }

    /// An id unique in the page (also the `data-plot` attribute tests look for).
    public var id: String
    /// The title above the plot.
    public var title: String
    /// A smaller line under the title (what is held fixed, how to read it).
    public var subtitle: String
    public var x: PlotAxis
    public var y: PlotAxis
    /// The lines.
    public var series: [Series] = []
    /// Reference lines.
    public var rules: [Rule] = []
    public var callouts: [Callout] = []
    /// Legend entries after the series'.
    public var legendKeys: [LegendKey] = []
    /// Total width, px.
    public var width: Double = 620
    /// Height of the plotting area, px (the legend adds to the total).
    public var plotHeight: Double = 300

    /// A plot with no lines yet.
    public init(id: String, title: String, subtitle: String = "", x: PlotAxis, y: PlotAxis) {
        self.id = id
        self.title = title
        self.subtitle = subtitle
        self.x = x
        self.y = y
    }

    /// Data points drawn (line points and scatter points).
    public var pointCount: Int { series.reduce(0) { $0 + $1.points.count + $1.scatter.count } }

    /// The `<svg>` element.
    public func svg() -> String {
        let left = 78.0, right = 24.0
        let (heading, top) = SVG.heading(title: title, subtitle: subtitle, x: left, width: width - left - right)
        let plotBottom = top + plotHeight
        let legend = SVGLegend(entries: legendEntries, width: width - left - right)
        let height = plotBottom + 50 + legend.height

        let allPoints = series.flatMap { $0.points + $0.scatter }
        // Data sits a few pixels inside the frame, so a point on the domain's edge (a load of exactly
        // 10 or 100 on a log axis) shows whole instead of half-clipped.
        let inset = 9.0
        let fx = FittedAxis(x, values: allPoints.map(\.x) + callouts.map(\.x), pixels: (left + inset, width - right - inset))
        let fy = FittedAxis(y, values: allPoints.map(\.y) + rules.map(\.y) + callouts.map(\.y), pixels: (plotBottom - inset, top + inset))

        var out = SVG.open(id: id, width: width, height: height, title: title)
        out += heading
        out += "<clipPath id=\"clip-\(id)\"><rect x=\"\(SVG.n(left))\" y=\"\(SVG.n(top))\" width=\"\(SVG.n(width - left - right))\" height=\"\(SVG.n(plotHeight))\"/></clipPath>"
        out += SVG.grid(fx: fx, fy: fy, top: top, bottom: plotBottom, left: left, right: width - right)
        out += SVG.text(x.label, x: (left + width - right) / 2, y: plotBottom + 38, size: 12, anchor: "middle")
        out += "<text x=\"16\" y=\"\(SVG.n((top + plotBottom) / 2))\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(SVG.n((top + plotBottom) / 2)))\">\(XMLText.escape(y.label))</text>"

        out += "<g clip-path=\"url(#clip-\(id))\">"
        for rule in rules {
            guard let py = fy.pixel(rule.y) else { continue }
            out += "<line class=\"rule\" x1=\"\(SVG.n(left))\" x2=\"\(SVG.n(width - right))\" y1=\"\(SVG.n(py))\" y2=\"\(SVG.n(py))\" stroke=\"\(rule.color)\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"
        }
        for line in series {
            out += SVG.polyline(line.points.map { (fx.pixel($0.x), fy.pixel($0.y)) }, color: line.color, width: line.width, dash: line.dash)
            for point in line.scatter {
                guard let px = fx.pixel(point.x), let py = fy.pixel(point.y) else { continue }
                out += SVG.circle(px, py, r: 2.5, fill: line.color, opacity: 0.35, tip: point.tip)
            }
            for point in line.points where line.markers {
                guard let px = fx.pixel(point.x), let py = fy.pixel(point.y) else { continue }
                out += SVG.circle(px, py, r: 3.5, fill: line.color, opacity: 1, tip: point.tip)
            }
        }
        out += "</g>"
        for rule in rules {
            guard let py = fy.pixel(rule.y) else { continue }
            // Above the line, unless that would run into the frame's top edge.
            let labelY = py - top < 18 ? py + 14 : py - 5
            out += SVG.text(rule.label, x: width - right - 4, y: labelY, size: 11, color: rule.color, anchor: "end", weight: "600", halo: true)
        }
        for callout in callouts {
            guard let px = fx.pixel(callout.x), let py = fy.pixel(callout.y) else { continue }
            out += "<circle class=\"callout\" cx=\"\(SVG.n(px))\" cy=\"\(SVG.n(py))\" r=\"9\" fill=\"none\" stroke=\"\(callout.color)\" stroke-width=\"2.5\"/>"
            let anchor = px > (left + width - right) / 2 ? "end" : "start"
            out += SVG.text(callout.label, x: px + (anchor == "end" ? -12 : 12), y: py + 16, size: 11, color: callout.color, anchor: anchor, weight: "600", halo: true)
        }
        out += legend.render(x: left, y: plotBottom + 54)
        out += "</svg>"
        return out
    }

    private var legendEntries: [SVGLegend.Entry] {
        var seen = Set<String>()
        var entries: [SVGLegend.Entry] = []
        for line in series where line.inLegend && seen.insert(line.name).inserted {
            entries.append(.init(name: line.name, color: line.color, dash: line.dash, width: line.width, marker: line.markers))
        }
        for key in legendKeys {
            entries.append(.init(name: key.name, color: key.color, dash: key.dash, width: key.width, marker: false))
        }
        return entries
    }
}
