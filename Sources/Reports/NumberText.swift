import Foundation

/// Number-to-text rules shared by every report, so a figure reads the same in the CSV, the table and
/// the progress line.
public enum NumberText {
    /// `x` with `places` decimals (`-0.000` printed as `0.000`); `""` for `nil` or a non-finite value,
    /// which CSV readers take as missing rather than as a number.
    public static func fixed(_ x: Double?, _ places: Int) -> String {
        guard let x, x.isFinite else { return "" }
        let text = String(format: "%.\(places)f", x)
        if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { return String(text.dropFirst()) }
        return text
    }

    /// An integer, or `""` for `nil`.
    static func int<T: BinaryInteger>(_ n: T?) -> String {
        n.map { "\($0)" } ?? ""
    }

    /// `x` with `places` decimals and thousands separated by commas, for people (`41,230.5`).
    public static func grouped(_ x: Double, places: Int = 0) -> String {
        let plain = fixed(x, places)
        guard !plain.isEmpty else { return "-" }
        let negative = plain.hasPrefix("-")
        let body = negative ? plain.dropFirst() : plain[...]
        let parts = body.split(separator: ".", maxSplits: 1)
        var digits = Array(parts[0])
        var i = digits.count - 3
        while i > 0 {
            digits.insert(",", at: i)
            i -= 3
        }
        let whole = String(digits)
        return (negative ? "-" : "") + whole + (parts.count > 1 ? "." + parts[1] : "")
    }

    /// A latency in µs for people: three significant figures where it matters (`0.412`, `18.3`, `1,204`).
    static func micros(_ us: Double) -> String {
        guard us.isFinite else { return "-" }
        let magnitude = abs(us)
        if magnitude >= 1_000 { return grouped(us, places: 0) }
        if magnitude >= 100 { return fixed(us, 0) }
        if magnitude >= 10 { return fixed(us, 1) }
        if magnitude >= 1 { return fixed(us, 2) }
        return fixed(us, 3)
    }
}
