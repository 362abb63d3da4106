import Foundation

extension RatioThreshold {
    /// Why a ratio threshold was refused.
    public struct ParseError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Parses `ratio(METRIC) OP NUMBER`, e.g. `ratio(acquire_p99_us) <= 1.5` (B's p99 at most 1.5× A's).
    public init(parsing text: String) throws(ParseError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let example = "write ratio(METRIC) OP NUMBER, e.g. ratio(acquisitions_per_s) >= 0.8 (B keeps 80% of A's throughput)"
        guard trimmed.hasPrefix("ratio("), let close = trimmed.firstIndex(of: ")") else {
            throw ParseError(message: "'\(text)' is not a ratio threshold: \(example)")
        }
        let metric = trimmed[trimmed.index(trimmed.startIndex, offsetBy: 6)..<close].trimmingCharacters(in: .whitespaces)
        if let refusal = PlanMetrics.refusal(metric) { throw ParseError(message: "'\(text)': \(refusal)") }
        let rest = trimmed[trimmed.index(after: close)...].trimmingCharacters(in: .whitespaces)
        // Longest operators first, so `<=` is not read as `<` followed by `=1.5`.
        let operators = ThresholdExpression.Comparison.allCases.sorted { $0.rawValue.count > $1.rawValue.count }
        guard let op = operators.first(where: { rest.hasPrefix($0.rawValue) }) else {
            throw ParseError(message: "'\(text)' has no comparison after ratio(\(metric)): \(example)")
        }
        let number = rest.dropFirst(op.rawValue.count).trimmingCharacters(in: .whitespaces)
        guard let bound = Double(number), bound.isFinite, bound > 0 else {
            throw ParseError(message: "'\(text)': '\(number)' is not a positive number; a ratio B/A is compared with one, e.g. 0.8")
        }
        self.init(metric: metric, comparison: op, bound: bound, text: trimmed)
    }
}
