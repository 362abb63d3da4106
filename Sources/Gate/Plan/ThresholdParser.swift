/// Parses a threshold expression (the grammar in README "CI gate for your lock setup"):
///
///     threshold  := sum comparison sum
///     sum        := product (("+" | "-") product)*
///     product    := factor (("*" | "/") factor)*
///     factor     := number | metric | percentile "(" measurement ")" | "(" sum ")" | "-" factor
///
/// Syntax only: which metric names exist is `PlanMetrics`' business.
struct ThresholdParser {
    private let tokens: [Token]
    private let text: String
    private var index = 0

    /// A failure at a character of the expression.
    struct SyntaxError: Error {
        var message: String
        /// 0-based character offset.
        var offset: Int
    }

    struct Token {
        enum Kind: Equatable {
            case metric(String)
            case number(Double)
            case symbol(String)
            case end
        }
        var kind: Kind
        var offset: Int
        var text: String
    }

    static func parse(_ text: String) throws(SyntaxError) -> ThresholdExpression {
        var parser = ThresholdParser(tokens: try tokenize(text), text: text)
        return try parser.threshold()
    }

    private init(tokens: [Token], text: String) {
        self.tokens = tokens
        self.text = text
    }

    private var current: Token { tokens[index] }

    private mutating func threshold() throws(SyntaxError) -> ThresholdExpression {
        guard current.kind != .end else { throw SyntaxError(message: "the expression is empty: write metric < number, e.g. acquire_p99_us < 50000", offset: 0) }
        let left = try sum()
        guard case .symbol(let symbol) = current.kind, let comparison = ThresholdExpression.Comparison(rawValue: symbol) else {
            throw SyntaxError(message: "expected a comparison (< <= > >= == !=) \(found)", offset: current.offset)
        }
        index += 1
        let right = try sum()
        guard current.kind == .end else {
            let extra = ThresholdExpression.Comparison(rawValue: current.text) != nil
                ? "a threshold has one comparison; write two thresholds instead" : "expected the end of the expression"
            throw SyntaxError(message: "\(extra) \(found)", offset: current.offset)
        }
        if left.isConstant && right.isConstant {
            throw SyntaxError(message: "the expression compares two numbers: name a metric on one side", offset: 0)
        }
        return ThresholdExpression(left: left, comparison: comparison, right: right, text: text.trimmingSpaces)
    }

    private var found: String { current.kind == .end ? "at the end" : "but found '\(current.text)'" }

    private mutating func sum() throws(SyntaxError) -> ThresholdTerm {
        var term = try product()
        while case .symbol(let s) = current.kind, s == "+" || s == "-" {
            index += 1
            term = .binary(term, s == "+" ? .add : .subtract, try product())
        }
        return term
    }

    private mutating func product() throws(SyntaxError) -> ThresholdTerm {
        var term = try factor()
        while case .symbol(let s) = current.kind, s == "*" || s == "/" {
            index += 1
            term = .binary(term, s == "*" ? .multiply : .divide, try factor())
        }
        return term
    }

    private mutating func factor() throws(SyntaxError) -> ThresholdTerm {
        let token = current
        switch token.kind {
        case .metric(let name):
            index += 1
            if current.kind == .symbol("(") { return try percentile(name, at: token.offset) }
            return .metric(name)
        case .number(let x):
            index += 1
            return .number(x)
        case .symbol("-"):
            index += 1
            return .negate(try factor())
        case .symbol("("):
            index += 1
            let inner = try sum()
            guard current.kind == .symbol(")") else { throw SyntaxError(message: "expected ')' \(found)", offset: current.offset) }
            index += 1
            return inner
        default:
            throw SyntaxError(message: "expected a metric, a number or '(' \(found)", offset: token.offset)
        }
    }

    /// The percentile form, `p99(acquire)`: the column holding that percentile of that measurement
    /// (`acquire_p99_us`), so a threshold can read like k6's `p(99) < 50000`.
    private mutating func percentile(_ function: String, at offset: Int) throws(SyntaxError) -> ThresholdTerm {
        index += 1
        guard function.count > 1, function.hasPrefix("p"), function.dropFirst().allSatisfy(\.isNumber) else {
            throw SyntaxError(message: "'\(function)(' is not a percentile: the form is p50(acquire), p99(handoff), ...", offset: offset)
        }
        guard case .metric(let measurement) = current.kind else {
            throw SyntaxError(message: "expected a measurement such as acquire or handoff \(found)", offset: current.offset)
        }
        index += 1
        guard current.kind == .symbol(")") else { throw SyntaxError(message: "expected ')' \(found)", offset: current.offset) }
        index += 1
        guard let column = PlanMetrics.percentileColumn(measurement, function) else {
            let known = PlanMetrics.percentiles(of: measurement)
            let hint = known.isEmpty ? "no column starts with \(measurement)_p" : "\(measurement) has \(known.joined(separator: ", "))"
            throw SyntaxError(message: "\(function)(\(measurement)) is not a CSV column: \(hint)", offset: offset)
        }
        return .metric(column)
    }

    static func tokenize(_ text: String) throws(SyntaxError) -> [Token] {
        let chars = Array(text)
        var tokens: [Token] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" { i += 1; continue }
            let start = i
            if c.isLetter || c == "_" {
                while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" { i += 1 }
                let word = String(chars[start..<i])
                tokens.append(Token(kind: .metric(word), offset: start, text: word))
            } else if c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isNumber) {
                while i < chars.count, chars[i].isNumber || chars[i] == "." || chars[i] == "_" { i += 1 }
                // An exponent: 1e-3, 2.5E6.
                if i < chars.count, chars[i] == "e" || chars[i] == "E" {
                    var j = i + 1
                    if j < chars.count, chars[j] == "+" || chars[j] == "-" { j += 1 }
                    if j < chars.count, chars[j].isNumber {
                        i = j
                        while i < chars.count, chars[i].isNumber { i += 1 }
                    }
                }
                let word = String(chars[start..<i])
                guard let value = Double(word.replacingUnderscores) else {
                    throw SyntaxError(message: "'\(word)' is not a number", offset: start)
                }
                if i < chars.count, chars[i].isLetter || chars[i] == "_" {
                    throw SyntaxError(message: "a number cannot carry a unit here ('\(word)\(chars[i])…'): metrics are in their column's unit, e.g. acquire_p99_us < 50000", offset: i)
                }
                tokens.append(Token(kind: .number(value), offset: start, text: word))
            } else if "<>=!".contains(c) {
                i += 1
                if i < chars.count, chars[i] == "=" { i += 1 }
                let symbol = String(chars[start..<i])
                guard ThresholdExpression.Comparison(rawValue: symbol) != nil else {
                    throw SyntaxError(message: "'\(symbol)' is not a comparison: use < <= > >= == !=", offset: start)
                }
                tokens.append(Token(kind: .symbol(symbol), offset: start, text: symbol))
            } else if "+-*/()".contains(c) {
                i += 1
                tokens.append(Token(kind: .symbol(String(c)), offset: start, text: String(c)))
            } else {
                throw SyntaxError(message: "unexpected character '\(c)': a threshold uses metrics, numbers, + - * / ( ) and one of < <= > >= == !=", offset: start)
            }
        }
        tokens.append(Token(kind: .end, offset: chars.count, text: ""))
        return tokens
    }
}

extension String {
    fileprivate var replacingUnderscores: String { filter { $0 != "_" } }
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }
}
