import Foundation

/// Tables of text cells for a terminal (aligned columns) or a pull request (Markdown).
public enum TextTable {
    /// Aligned columns two spaces apart, a dashed rule under the header; `leftColumns` are
    /// left-aligned (labels), the rest right-aligned (figures).
    public static func render(_ lines: [[String]], leftColumns: Set<Int> = [0]) -> String {
        guard let header = lines.first else { return "" }
        let widths = header.indices.map { c in lines.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (c, width) in widths.enumerated() {
                let cell = c < cells.count ? cells[c] : ""
                let fill = String(repeating: " ", count: max(0, width - cell.count))
                if c > 0 { text += "  " }
                text += leftColumns.contains(c) ? cell + fill : fill + cell
            }
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        var out = line(header) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for cells in lines.dropFirst() { out += line(cells) + "\n" }
        return out
    }

    /// A GitHub-flavoured Markdown table; pipes inside cells are escaped.
    public static func markdown(_ lines: [[String]]) -> String {
        guard let header = lines.first else { return "" }
        func row(_ cells: [String]) -> String {
            "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
        }
        var out = row(header) + "\n"
        out += "|" + header.map { _ in "---|" }.joined() + "\n"
        for cells in lines.dropFirst() { out += row(cells) + "\n" }
        return out
    }
}
