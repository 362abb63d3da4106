import Foundation
import Reports

/// SVG fragments shared by the plots. Output is well-formed XML (every element closed, text escaped,
/// no HTML-only entities), so the report can be checked with an XML parser.
enum SVG {
    /// A coordinate with at most one decimal: enough for a screen, and keeps the file small.
    static func n(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
    }

    static func open(id: String, width: Double, height: Double, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" data-plot=\"\(XMLText.escape(id))\" width=\"\(n(width))\" height=\"\(n(height))\" "
            + "viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-label=\"\(XMLText.escape(title))\" font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif\">"
    }

    static func text(_ text: String, x: Double, y: Double, size: Double, color: String = "#222", anchor: String = "start", weight: String = "400", halo: Bool = false) -> String {
        // A white outline painted under the glyphs keeps a label readable where it crosses a line.
        let outline = halo ? " stroke=\"#fff\" stroke-width=\"3.5\" stroke-linejoin=\"round\" paint-order=\"stroke\"" : ""
        return "<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\" fill=\"\(color)\" text-anchor=\"\(anchor)\" font-weight=\"\(weight)\"\(outline)>\(XMLText.escape(text))</text>"
    }

    /// `text` broken into lines of at most `width` characters at spaces: SVG text does not wrap, and a
    /// subtitle running past the plot's edge is cut off.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// The title and the wrapped subtitle at the top of a plot; returns the markup and where the
    /// plotting area can start.
    static func heading(title: String, subtitle: String, x: Double, width: Double) -> (String, Double) {
        var out = text(title, x: x, y: 22, size: 15, weight: "600")
        // About 6 px per character at 12 px in the usual sans-serif faces.
        let lines = subtitle.isEmpty ? [] : wrap(subtitle, width: Int(width / 6.0))
        for (i, line) in lines.enumerated() {
            out += text(line, x: x, y: 41 + Double(i) * 15, size: 12, color: "#555")
        }
        return (out, lines.isEmpty ? 40 : 41 + Double(lines.count) * 15 + 4)
    }

    static func circle(_ x: Double, _ y: Double, r: Double, fill: String, opacity: Double, tip: String?) -> String {
        let body = tip.map { "<title>\(XMLText.escape($0))</title>" } ?? ""
        let opacityAttribute = opacity < 1 ? " fill-opacity=\"\(String(format: "%.2f", opacity))\"" : ""
        return "<circle class=\"pt\" cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(r))\" fill=\"\(fill)\"\(opacityAttribute)>\(body)</circle>"
    }

    /// A path through the points; a point that cannot be drawn (`nil`) breaks the line.
    static func polyline(_ points: [(Double?, Double?)], color: String, width: Double, dash: String?) -> String {
        var d = ""
        var penDown = false
        for (x, y) in points {
            guard let x, let y else { penDown = false; continue }
            d += (penDown ? "L" : "M") + "\(n(x)) \(n(y))"
            penDown = true
        }
        guard !d.isEmpty else { return "" }
        let dashAttribute = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        return "<path class=\"line\" d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(n(width))\" stroke-linejoin=\"round\" stroke-linecap=\"round\"\(dashAttribute)/>"
    }

    /// Grid lines, the frame and tick labels.
    static func grid(fx: FittedAxis, fy: FittedAxis, top: Double, bottom: Double, left: Double, right: Double) -> String {
        var out = "<g class=\"grid\">"
        for tick in fx.ticks {
            guard let px = fx.pixel(tick.value), px >= left - 0.5, px <= right + 0.5 else { continue }
            let major = tick.text != nil
            out += "<line x1=\"\(n(px))\" x2=\"\(n(px))\" y1=\"\(n(top))\" y2=\"\(n(bottom))\" stroke=\"\(major ? "#d6d6d6" : "#eeeeee")\" stroke-width=\"1\"/>"
            if let text = tick.text { out += SVG.text(text, x: px, y: bottom + 17, size: 11, color: "#444", anchor: "middle") }
        }
        for tick in fy.ticks {
            guard let py = fy.pixel(tick.value), py >= top - 0.5, py <= bottom + 0.5 else { continue }
            let major = tick.text != nil
            out += "<line x1=\"\(n(left))\" x2=\"\(n(right))\" y1=\"\(n(py))\" y2=\"\(n(py))\" stroke=\"\(major ? "#d6d6d6" : "#eeeeee")\" stroke-width=\"1\"/>"
            if let text = tick.text { out += SVG.text(text, x: left - 6, y: py + 4, size: 11, color: "#444", anchor: "end") }
        }
        out += "<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(right - left))\" height=\"\(n(bottom - top))\" fill=\"none\" stroke=\"#999\" stroke-width=\"1\"/>"
        return out + "</g>"
    }
}

/// A legend laid out in rows under a plot: a line sample (with its dash and marker) and the name.
struct SVGLegend {
    struct Entry {
        var name: String
        var color: String
        var dash: String?
        var width: Double
        var marker: Bool
    }

    var entries: [Entry]
    var width: Double
    static let rowHeight = 18.0

    /// Approximate text width at 12 px: the SVG is laid out without measuring fonts.
    static func textWidth(_ text: String) -> Double { Double(text.count) * 6.6 }

    /// Entries placed left to right, wrapping at `width`: (entry, x offset, row).
    var placed: [(Entry, Double, Int)] {
        var result: [(Entry, Double, Int)] = []
        var x = 0.0, row = 0
        for entry in entries {
            let w = 34 + Self.textWidth(entry.name) + 18
            if x > 0 && x + w > width { x = 0; row += 1 }
            result.append((entry, x, row))
            x += w
        }
        return result
    }

    var height: Double {
        guard let last = placed.last else { return 0 }
        return Double(last.2 + 1) * Self.rowHeight
    }

    func render(x: Double, y: Double) -> String {
        var out = "<g class=\"legend\">"
        for (entry, dx, row) in placed {
            let ly = y + Double(row) * Self.rowHeight
            let dash = entry.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
            out += "<line x1=\"\(SVG.n(x + dx))\" x2=\"\(SVG.n(x + dx + 26))\" y1=\"\(SVG.n(ly - 4))\" y2=\"\(SVG.n(ly - 4))\" stroke=\"\(entry.color)\" stroke-width=\"\(SVG.n(max(entry.width, 2)))\"\(dash)/>"
            if entry.marker {
                out += "<circle cx=\"\(SVG.n(x + dx + 13))\" cy=\"\(SVG.n(ly - 4))\" r=\"3.5\" fill=\"\(entry.color)\"/>"
            }
            out += SVG.text(entry.name, x: x + dx + 32, y: ly, size: 12)
        }
        return out + "</g>"
    }
}
