/// Figures for people, with their units: axis ticks, tables, the Markdown summary.
public enum HumanUnits {
    /// A latency given in µs, in the unit that keeps it short: `850 µs`, `12.3 ms`, `1.80 s`.
    public static func latency(_ us: Double) -> String {
        guard us.isFinite else { return "-" }
        let magnitude = abs(us)
        if magnitude >= 1_000_000 { return significant(us / 1_000_000) + " s" }
        if magnitude >= 1_000 { return significant(us / 1_000) + " ms" }
        return significant(us) + " µs"
    }

    /// A load: contenders or a rate, grouped by thousands (`1,000`, `2,500.5`).
    public static func load(_ value: Double) -> String {
        value.rounded() == value ? NumberText.grouped(value) : NumberText.grouped(value, places: 1)
    }

    /// A fraction as a percentage with enough places to tell 0 from small: `1%`, `0.25%`, `0.003%`.
    public static func percent(_ fraction: Double) -> String {
        guard fraction.isFinite else { return "-" }
        let pct = fraction * 100
        if pct == 0 { return "0%" }
        if abs(pct) >= 10 { return NumberText.fixed(pct, 0) + "%" }
        if abs(pct) >= 1 { return trimmed(NumberText.fixed(pct, 1)) + "%" }
        if abs(pct) >= 0.01 { return trimmed(NumberText.fixed(pct, 2)) + "%" }
        return trimmed(NumberText.fixed(pct, 4)) + "%"
    }

    /// A count with a k/M suffix when large (`950`, `12k`, `1.5M`): for tight axis ticks.
    public static func compact(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1_000_000 { return trimmed(NumberText.fixed(value / 1_000_000, magnitude >= 10_000_000 ? 0 : 1)) + "M" }
        if magnitude >= 1_000 { return trimmed(NumberText.fixed(value / 1_000, magnitude >= 10_000 ? 0 : 1)) + "k" }
        if value.rounded() == value { return NumberText.fixed(value, 0) }
        return trimmed(NumberText.fixed(value, magnitude >= 1 ? 1 : 3))
    }

    /// Three significant figures, trailing zeros after the point dropped (`12.3`, `1.8`, `850`).
    static func significant(_ x: Double) -> String {
        let magnitude = abs(x)
        let places = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2
        return trimmed(NumberText.fixed(x, places))
    }

    static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var s = Substring(text)
        while s.hasSuffix("0") { s = s.dropLast() }
        if s.hasSuffix(".") { s = s.dropLast() }
        return String(s)
    }
}
