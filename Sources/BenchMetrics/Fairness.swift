/// How evenly grants were spread over contenders.
public struct Fairness: Codable, Sendable, Hashable {
    /// Contenders counted.
    public var contenders: Int
    /// Jain's index (Σx)²/(n·Σx²): 1 when every contender got the same, 1/n when one got everything.
    /// `nil` when nobody got anything (the index is 0/0 there, and "perfectly fair" would be a lie).
    public var jain: Double?
    /// Fewest grants any contender got.
    public var min: Int
    /// Most grants any contender got.
    public var max: Int
    /// Contenders that got no grant at all.
    public var starved: Int
    /// Coefficient of variation (population standard deviation / mean); `nil` when the mean is 0.
    public var cv: Double?

    /// Fairness over per-contender grant counts.
    public init(grants: [Int]) {
        contenders = grants.count
        jain = Self.jainIndex(grants)
        min = grants.min() ?? 0
        max = grants.max() ?? 0
        starved = grants.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
        let n = Double(grants.count)
        let mean = grants.isEmpty ? 0 : Double(grants.reduce(0, +)) / n
        if mean > 0 {
            let variance = grants.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
            cv = variance.squareRoot() / mean
        } else {
            cv = nil
        }
    }

    /// Jain's fairness index of `values`; `nil` when there are none or all are 0.
    public static func jainIndex(_ values: [Int]) -> Double? {
        // Doubles, not Ints: Σx² of 10,000 contenders with millions of grants each overflows Int64.
        var sum = 0.0
        var sumOfSquares = 0.0
        for v in values {
            let x = Double(v)
            sum += x
            sumOfSquares += x * x
        }
        guard !values.isEmpty, sumOfSquares > 0 else { return nil }
        return sum * sum / (Double(values.count) * sumOfSquares)
    }
}
