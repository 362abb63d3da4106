/// One RESP2 or RESP3 value as it came off the wire.
///
/// A server error reply (`-ERR ...`) is a value, not a transport failure: lock algorithms
/// must see `NOSCRIPT` or `WRONGTYPE` and decide what to do, so errors stay in-band here.
public enum RESPValue: Sendable, Hashable {
    /// `+OK`: a short, binary-unsafe status line.
    case simpleString(String)
    /// `-ERR message`: a server error reply.
    case simpleError(String)
    /// `:42`.
    case integer(Int64)
    /// `$3\r\nfoo`; `nil` is RESP2's null bulk (`$-1`).
    case bulkString([UInt8]?)
    /// `*2 ...`; `nil` is RESP2's null array (`*-1`).
    case array([RESPValue]?)
    /// RESP3 `_`.
    case null
    /// RESP3 `#t` / `#f`.
    case boolean(Bool)
    /// RESP3 `,3.14` (also `inf`, `-inf`, `nan`).
    case double(Double)
    /// RESP3 `(` an integer of any size, kept as its decimal digits.
    case bigNumber(String)
    /// RESP3 `!`: a binary-safe error reply.
    case bulkError([UInt8])
    /// RESP3 `=`: text with a three-letter format such as `txt` or `mkd`.
    case verbatimString(format: String, text: [UInt8])
    /// RESP3 `%`: ordered key/value pairs (order kept; keys may repeat on the wire).
    case map([RESPPair])
    /// RESP3 `~`.
    case set([RESPValue])
    /// RESP3 `>`: out-of-band data such as pub/sub messages.
    case push([RESPValue])
    /// RESP3 `|`: attributes that decorate the value that follows them.
    indirect case attribute([RESPPair], RESPValue)
}

/// A key/value pair of a RESP3 map or attribute.
public struct RESPPair: Sendable, Hashable {
    public var key: RESPValue
    public var value: RESPValue

    public init(key: RESPValue, value: RESPValue) {
        self.key = key
        self.value = value
    }
}

extension RESPValue {
    /// The text of a simple or bulk string (UTF-8, lossy), or of a verbatim string.
    public var string: String? {
        switch self {
        case .simpleString(let s): return s
        case .bulkString(let b?): return String(decoding: b, as: UTF8.self)
        case .verbatimString(_, let t): return String(decoding: t, as: UTF8.self)
        case .attribute(_, let v): return v.string
        default: return nil
        }
    }

    /// The integer of an integer reply.
    public var integer: Int64? {
        switch self {
        case .integer(let i): return i
        case .attribute(_, let v): return v.integer
        default: return nil
        }
    }

    /// The elements of an array, set or push reply.
    public var elements: [RESPValue]? {
        switch self {
        case .array(let a?), .set(let a), .push(let a): return a
        case .attribute(_, let v): return v.elements
        default: return nil
        }
    }

    /// True for RESP2 null bulk/array and RESP3 null.
    public var isNull: Bool {
        switch self {
        case .null, .bulkString(nil), .array(nil): return true
        case .attribute(_, let v): return v.isNull
        default: return false
        }
    }

    /// The message of an error reply (simple or bulk), else `nil`.
    public var errorMessage: String? {
        switch self {
        case .simpleError(let s): return s
        case .bulkError(let b): return String(decoding: b, as: UTF8.self)
        case .attribute(_, let v): return v.errorMessage
        default: return nil
        }
    }
}
