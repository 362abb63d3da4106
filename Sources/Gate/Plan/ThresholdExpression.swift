/// A threshold a user writes, `acquire_p99_us < 50000` or `failed_acquires / acquisitions < 0.001`:
/// arithmetic over CSV metrics and numbers on each side of one comparison.
public struct ThresholdExpression: Sendable, Hashable, CustomStringConvertible {
    public var left: ThresholdTerm
    public var comparison: Comparison
    public var right: ThresholdTerm
    /// As the user wrote it (quoted in every output, so the report reads like the plan).
    public var text: String

    public var description: String { text }

    /// Every metric either side reads, in order of appearance.
    public var metrics: [String] { left.metrics + right.metrics }

    /// The six comparisons, k6's and Gatling's set.
    public enum Comparison: String, Sendable, Hashable, CaseIterable {
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case equal = "=="
        case notEqual = "!="

        /// Whether `lhs <op> rhs`.
        public func holds(_ lhs: Double, _ rhs: Double) -> Bool {
            switch self {
            case .less: return lhs < rhs
            case .lessOrEqual: return lhs <= rhs
            case .greater: return lhs > rhs
            case .greaterOrEqual: return lhs >= rhs
            case .equal: return lhs == rhs
            case .notEqual: return lhs != rhs
            }
        }
    }
}

/// One side of a threshold.
public indirect enum ThresholdTerm: Sendable, Hashable {
    /// A CSV column, read from each run.
    case metric(String)
    case number(Double)
    case negate(ThresholdTerm)
    case binary(ThresholdTerm, Operator, ThresholdTerm)

    public enum Operator: Character, Sendable, Hashable {
        case add = "+"
        case subtract = "-"
        case multiply = "*"
        case divide = "/"
    }

    /// Every metric the term reads, in order of appearance.
    public var metrics: [String] {
        switch self {
        case .metric(let name): return [name]
        case .number: return []
        case .negate(let term): return term.metrics
        case .binary(let a, _, let b): return a.metrics + b.metrics
        }
    }

    /// The term's value with each metric from `metric`; `nil` when a metric has no value (an empty
    /// CSV cell) or the arithmetic has no finite result (a division by zero): never a made-up number.
    public func value(_ metric: (String) -> Double?) -> Double? {
        let result: Double?
        switch self {
        case .metric(let name): result = metric(name)
        case .number(let x): result = x
        case .negate(let term): result = term.value(metric).map { -$0 }
        case .binary(let a, let op, let b):
            guard let x = a.value(metric), let y = b.value(metric) else { return nil }
            switch op {
            case .add: result = x + y
            case .subtract: result = x - y
            case .multiply: result = x * y
            case .divide: result = x / y
            }
        }
        return result.flatMap { $0.isFinite ? $0 : nil }
    }

    /// Whether the term is a plain number (the usual right-hand side).
    public var isConstant: Bool { metrics.isEmpty }
}
