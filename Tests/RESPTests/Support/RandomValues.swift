import RESP

/// Random values of every kind, all representable on the wire, so encode-then-decode must
/// give them back exactly. NaN is left out because `.double(.nan) != .double(.nan)`.
struct RandomValues {
    var rng: SplitMix64
    /// Aggregates nest at most this deep (attributes count as a level, as the decoder counts them).
    var maxDepth = 5

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    // Line text may hold any Unicode but CR and LF; a few multi-byte scalars check UTF-8 handling.
    private static let lineAlphabet: [Character] = Array("abcXYZ019 _-:+$*#,(!=%~>|\t\0é日🔒")

    mutating func value(depth: Int = 0) -> RESPValue {
        let kinds = depth < maxDepth ? 20 : 14
        switch rng.int(0...(kinds - 1)) {
        case 0: return .simpleString(line())
        case 1: return .simpleError("ERR " + line())
        case 2: return .integer(integer())
        case 3: return .bulkString(bytes())
        case 4: return .bulkString(nil)
        case 5: return .null
        case 6: return .boolean(rng.chance(0.5))
        case 7: return .double(double())
        case 8: return .bigNumber((rng.chance(0.3) ? "-" : "") + digits(1...60))
        case 9: return .bulkError(Array(wire: "ERR ") + bytes())
        case 10: return .verbatimString(format: rng.chance(0.5) ? "txt" : "mkd", text: bytes())
        case 11: return .array(nil)
        case 12: return .integer(Int64(rng.int(-2...2)))
        case 13: return .simpleString("OK")
        case 14: return .array(values(depth: depth))
        case 15: return .map(pairs(depth: depth))
        case 16: return .set(values(depth: depth))
        case 17: return .push(values(depth: depth))
        case 18: return .attribute(pairs(depth: depth), value(depth: depth + 1))
        default: return .array([])
        }
    }

    private mutating func values(depth: Int) -> [RESPValue] {
        (0..<rng.int(0...4)).map { _ in value(depth: depth + 1) }
    }

    private mutating func pairs(depth: Int) -> [RESPPair] {
        (0..<rng.int(0...3)).map { _ in RESPPair(key: value(depth: depth + 1), value: value(depth: depth + 1)) }
    }

    mutating func line() -> String {
        String((0..<rng.int(0...12)).map { _ in Self.lineAlphabet[rng.int(0...(Self.lineAlphabet.count - 1))] })
    }

    mutating func digits(_ count: ClosedRange<Int>) -> String {
        String((0..<rng.int(count)).map { _ in Character(Unicode.Scalar(UInt8(ascii: "0") + UInt8(rng.int(0...9)))) })
    }

    /// Mostly small, sometimes the extremes, where formatting bugs live.
    mutating func integer() -> Int64 {
        switch rng.int(0...5) {
        case 0: return .min
        case 1: return .max
        case 2: return Int64(rng.int(-1000...1000))
        default: return Int64(bitPattern: rng.next())
        }
    }

    /// Any finite bit pattern, plus the values with their own spelling on the wire.
    mutating func double() -> Double {
        switch rng.int(0...6) {
        case 0: return .infinity
        case 1: return -.infinity
        case 2: return [0.0, -0.0, 1.5, 0.1, 1e300, .leastNonzeroMagnitude, .greatestFiniteMagnitude][rng.int(0...6)]
        default:
            while true {
                let d = Double(bitPattern: rng.next())
                if !d.isNaN { return d }
            }
        }
    }

    /// Bytes biased towards CR, LF and NUL, which a length-prefixed bulk must carry untouched.
    mutating func bytes() -> [UInt8] {
        let count = rng.chance(0.1) ? rng.int(100...2000) : rng.int(0...24)
        return (0..<count).map { _ in
            switch rng.int(0...5) {
            case 0: return UInt8(ascii: "\r")
            case 1: return UInt8(ascii: "\n")
            case 2: return 0
            default: return UInt8(truncatingIfNeeded: rng.next())
            }
        }
    }
}

/// The wire bytes of `value`.
func encoded(_ value: RESPValue) -> [UInt8] {
    var encoder = RESPEncoder()
    encoder.appendValue(value)
    return encoder.bytes
}
