import Reports

/// Grouped bars rendered as inline SVG: one group per category (a strategy), one bar per member (a
/// load level), each a `<rect class="bar">` with its value printed above it and in a tooltip.
public struct BarPlot: Sendable {
    public struct Bar: Sendable {
        /// Which member of the group (legend text).
        public var member: String
        public var value: Double
        public var tip: String
        public init(member: String, value: Double, tip: String) {
            self.member = member
            self.value = value
            self.tip = tip
        }
    }

    /// One group of bars under a category label.
    public struct Group: Sendable {
        /// The category, printed under the group.
        public var label: String
        /// Its bars, in member order.
        public var bars: [Bar]
        public init(label: String, bars: [Bar]) {
            self.label = label
            self.bars = bars
        }
    }

    /// An id unique in the page.
    public var id: String
    public var title: String
    public var subtitle: String
    /// The value axis (linear, from 0).
    public var y: PlotAxis
    public var groups: [Group]
    /// Colour per member, in legend order.
    public var members: [(name: String, color: String)]
    /// Value text above a bar.
    public var valueFormat: @Sendable (Double) -> String
    /// Total width, px.
    public var width: Double = 620
    /// Height of the plotting area, px.
    public var plotHeight: Double = 280

    public init(id: String, title: String, subtitle: String = "", y: PlotAxis, groups: [Group], members: [(name: String, color: String)], valueFormat: @escaping @Sendable (Double) -> String) {
        self.id = id
        self.title = title
        self.subtitle = subtitle
        self.y = y
        self.groups = groups
        self.members = members
        self.valueFormat = valueFormat
    }

    /// Bars drawn.
    public var barCount: Int { groups.reduce(0) { $0 + $1.bars.count } }

    /// The `<svg>` element.
    public func svg() -> String {
        let left = 78.0, right = 24.0
        let (heading, top) = SVG.heading(title: title, subtitle: subtitle, x: left, width: width - left - right)
        let bottom = top + plotHeight
        let legend = SVGLegend(entries: members.map { .init(name: $0.name, color: $0.color, dash: nil, width: 10, marker: false) }, width: width - left - right)
        let height = bottom + 40 + legend.height
        var axis = y
        axis.includeZero = true
        let fy = FittedAxis(axis, values: groups.flatMap { $0.bars.map(\.value) }, pixels: (bottom, top))
        let fx = FittedAxis(PlotAxis("", domain: 0...1, fixedTicks: []), values: [], pixels: (left, width - right))

        var out = SVG.open(id: id, width: width, height: height, title: title)
        out += heading
        out += SVG.grid(fx: fx, fy: fy, top: top, bottom: bottom, left: left, right: width - right)
        out += "<text x=\"16\" y=\"\(SVG.n((top + bottom) / 2))\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(SVG.n((top + bottom) / 2)))\">\(XMLText.escape(y.label))</text>"

        let slot = (width - left - right) / Double(max(1, groups.count))
        let colors = Dictionary(members.map { ($0.name, $0.color) }, uniquingKeysWith: { a, _ in a })
        for (g, group) in groups.enumerated() {
            let inner = slot * 0.8
            let barWidth = min(44, inner / Double(max(1, group.bars.count)))
            let start = left + slot * Double(g) + (slot - barWidth * Double(group.bars.count)) / 2
            for (b, bar) in group.bars.enumerated() {
                guard let py = fy.pixel(bar.value), let zero = fy.pixel(0) else { continue }
                let x = start + barWidth * Double(b)
                out += "<rect class=\"bar\" x=\"\(SVG.n(x + 1))\" y=\"\(SVG.n(min(py, zero)))\" width=\"\(SVG.n(barWidth - 2))\" height=\"\(SVG.n(abs(zero - py)))\" fill=\"\(colors[bar.member] ?? "#888")\"><title>\(XMLText.escape(bar.tip))</title></rect>"
                out += SVG.text(valueFormat(bar.value), x: x + barWidth / 2, y: min(py, zero) - 4, size: 10, color: "#333", anchor: "middle")
            }
            out += SVG.text(group.label, x: left + slot * (Double(g) + 0.5), y: bottom + 18, size: 12, anchor: "middle", weight: "600")
        }
        out += legend.render(x: left, y: bottom + 44)
        out += "</svg>"
        return out
    }
}
