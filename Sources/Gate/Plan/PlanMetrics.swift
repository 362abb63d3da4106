import Foundation
import LoadDriver
import Reports

/// The metrics a threshold may name: the `--csv` columns (`CSVSchema.summary`) that hold a number,
/// read from a run exactly as the CSV writes them, so a threshold and a CSV row never disagree.
public enum PlanMetrics {
    /// Text, time stamps and distributions are not numbers to compare; `true/false` reads as 1/0.
    private static let textUnits: Set<String> = ["", "ISO-8601 UTC", "duration"]

    private static let columns: [String: CSVColumn<RunResult>] = Dictionary(
        CSVSchema.summary.filter { !textUnits.contains($0.unit) }.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

    /// Every metric name, in CSV order.
    public static let names: [String] = CSVSchema.summary.map(\.name).filter { columns[$0] != nil }

    /// Whether `name` is a metric.
    public static func contains(_ name: String) -> Bool { columns[name] != nil }

    /// The metric's value in `result`, or `nil` when its cell is empty (the figure does not apply).
    public static func value(_ name: String, in result: RunResult) -> Double? {
        guard let cell = columns[name]?.value(result) else { return nil }
        switch cell {
        case "true": return 1
        case "false": return 0
        default: return Double(cell)
        }
    }

    /// The column holding percentile `function` (`p99`) of `measurement` (`acquire`): `acquire_p99_us`,
    /// `attempts_p99`, `redlock_elapsed_p99_ttl_pct`.
    public static func percentileColumn(_ measurement: String, _ function: String) -> String? {
        let stem = "\(measurement)_\(function)"
        return names.first { $0 == stem || $0.hasPrefix(stem + "_") }
    }

    /// The percentile forms `measurement` has, e.g. `p50, p90, p99, p999` for acquire.
    public static func percentiles(of measurement: String) -> [String] {
        names.compactMap { name -> String? in
            guard name.hasPrefix(measurement + "_p") else { return nil }
            let rest = name.dropFirst(measurement.count + 1)
            let function = rest.prefix { $0 != "_" }
            return function.dropFirst().allSatisfy(\.isNumber) && function.count > 1 ? String(function) : nil
        }
    }

    /// The unit of `name`, as the README's CSV table gives it.
    public static func unit(_ name: String) -> String { columns[name]?.unit ?? "" }

    /// Why `name` cannot be used, with the nearest metric to suggest; `nil` when it can.
    public static func refusal(_ name: String) -> String? {
        guard columns[name] == nil else { return nil }
        if CSVSchema.summary.contains(where: { $0.name == name }) {
            return "'\(name)' is a CSV column of text, not a number a threshold can compare"
        }
        let hint = nearest(to: name).map { " (did you mean \($0)?)" } ?? ""
        return "unknown metric '\(name)'\(hint); `bench csv-schema` lists the columns"
    }

    /// The metric to suggest for `name`: one it is a prefix of (`acquire_p99` → `acquire_p99_us`), the
    /// closest by edit distance if close enough to be a typo, else the closest sharing its first word
    /// (`mutex_overlaps` → `mutex_violations`).
    public static func nearest(to name: String) -> String? {
        if name.count >= 3, let extended = names.first(where: { $0.hasPrefix(name) }) { return extended }
        func closest(_ candidates: [String]) -> (String, Int)? {
            candidates.map { ($0, editDistance(name, $0)) }.min { $0.1 < $1.1 }
        }
        if let best = closest(names), best.1 <= max(2, name.count / 3) { return best.0 }
        let word = name.split(separator: "_").first.map { $0 + "_" } ?? name
        return closest(names.filter { $0.hasPrefix(word) })?.0
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        guard !x.isEmpty else { return y.count }
        guard !y.isEmpty else { return x.count }
        var previous = Array(0...y.count)
        for i in 1...x.count {
            var row = [i] + Array(repeating: 0, count: y.count)
            for j in 1...y.count {
                row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = row
        }
        return previous[y.count]
    }
}

extension ThresholdExpression {
    /// A threshold that could not be used: what is wrong and where in the expression.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var expression: String
        public var message: String
        /// 0-based character offset of the problem in `expression`.
        public var offset: Int

        /// The message, then the expression with a caret under the problem.
        public var description: String {
            "character \(offset + 1): \(message)\n    \(expression)\n    \(String(repeating: " ", count: offset))^"
        }
    }

    /// Parses `text` and checks that every metric it names is a numeric CSV column.
    public init(parsing text: String) throws(ParseError) {
        do {
            self = try ThresholdParser.parse(text)
        } catch {
            throw ParseError(expression: text, message: "malformed threshold: \(error.message)", offset: error.offset)
        }
        for name in metrics {
            if let refusal = PlanMetrics.refusal(name) {
                let offset = text.range(of: name).map { text.distance(from: text.startIndex, to: $0.lowerBound) } ?? 0
                throw ParseError(expression: text, message: refusal, offset: offset)
            }
        }
    }
}
