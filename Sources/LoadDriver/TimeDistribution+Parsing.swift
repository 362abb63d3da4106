/// Why a time value such as `--hold` could not be read.
public struct TimeParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text given.
    public var input: String
    /// What is wrong.
    public var reason: String
    /// Names the value, the problem and the accepted forms.
    public var description: String {
        "'\(input)': \(reason). Use a duration such as 2ms, 500us, 1s or 0, or a distribution: exp:2ms (exponential, mean 2 ms) or uniform:1ms-5ms"
    }
}

extension TimeDistribution {
    /// Parses `2ms`, `exp:2ms`, `uniform:1ms-5ms`.
    public init(parsing text: String) throws(TimeParseError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("exp:") {
            let mean = try Self.microseconds(String(trimmed.dropFirst(4)), whole: text)
            guard mean > 0 else { throw TimeParseError(input: text, reason: "an exponential mean must be above 0") }
            self = .exponential(meanUs: mean)
        } else if trimmed.hasPrefix("uniform:") {
            let body = trimmed.dropFirst("uniform:".count)
            let parts = body.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw TimeParseError(input: text, reason: "uniform needs two bounds joined by '-'") }
            let lo = try Self.microseconds(String(parts[0]), whole: text)
            let hi = try Self.microseconds(String(parts[1]), whole: text)
            guard lo <= hi else { throw TimeParseError(input: text, reason: "the lower bound is above the upper one") }
            self = .uniform(minUs: lo, maxUs: hi)
        } else {
            self = .fixed(us: try Self.microseconds(trimmed, whole: text))
        }
    }

    /// Parses one duration with a unit (`us`, `ms`, `s`; `0` alone is allowed) into microseconds.
    static func microseconds(_ text: String, whole: String) throws(TimeParseError) -> Int {
        if text == "0" { return 0 }
        let units: [(String, Double)] = [("us", 1), ("µs", 1), ("ms", 1_000), ("s", 1_000_000)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            let number = String(text.dropLast(suffix.count))
            guard let value = Double(number), value.isFinite else {
                throw TimeParseError(input: whole, reason: "'\(number)' is not a number")
            }
            guard value >= 0 else { throw TimeParseError(input: whole, reason: "a duration cannot be negative") }
            let us = value * scale
            guard us <= 3_600_000_000 else { throw TimeParseError(input: whole, reason: "longer than an hour") }
            return Int(us.rounded())
        }
        throw TimeParseError(input: whole, reason: "'\(text)' has no unit")
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}

extension Set where Element == Character {
    fileprivate static var whitespaces: Set<Character> { [" ", "\t"] }
}
