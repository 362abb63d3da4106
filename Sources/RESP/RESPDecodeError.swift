/// Bytes that are not valid RESP, or that break a `RESPLimits` bound.
///
/// The decoder cannot resynchronise after one (RESP has no frame marker to skip to), so the
/// error sticks: the connection that saw it must be closed. Codes are statics over a private
/// enum so that adding one breaks no caller's `switch`.
public struct RESPDecodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of malformation.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidTypeByte = "invalid type byte"
            case invalidLength = "invalid length"
            case missingCRLF = "missing CRLF"
            case bulkTooLong = "bulk too long"
            case tooDeep = "nesting too deep"
            case invalidInteger = "invalid integer"
            case invalidDouble = "invalid double"
            case invalidBoolean = "invalid boolean"
            case invalidBigNumber = "invalid big number"
            case lineTooLong = "line too long"
            case aggregateTooLarge = "aggregate too large"
            case invalidVerbatim = "invalid verbatim string"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A value started with a byte that is no RESP2 or RESP3 type.
        public static let invalidTypeByte = Code(.invalidTypeByte)
        /// A bulk or aggregate length is not a decimal count (or `-1` where RESP2 allows a null).
        public static let invalidLength = Code(.invalidLength)
        /// A line or a bulk payload is not followed by `\r\n`.
        public static let missingCRLF = Code(.missingCRLF)
        /// A bulk declares more bytes than `RESPLimits.maxBulkLength`.
        public static let bulkTooLong = Code(.bulkTooLong)
        /// Aggregates nest deeper than `RESPLimits.maxDepth`.
        public static let tooDeep = Code(.tooDeep)
        /// A `:` reply is not a decimal that fits `Int64`.
        public static let invalidInteger = Code(.invalidInteger)
        /// A `,` reply is not a RESP3 double.
        public static let invalidDouble = Code(.invalidDouble)
        /// A `#` reply is neither `t` nor `f`.
        public static let invalidBoolean = Code(.invalidBoolean)
        /// A `(` reply is not an optionally signed run of digits.
        public static let invalidBigNumber = Code(.invalidBigNumber)
        /// No CRLF within `RESPLimits.maxLineLength` bytes of a line's start.
        public static let lineTooLong = Code(.lineTooLong)
        /// An aggregate declares more elements than `RESPLimits.maxAggregateCount`.
        public static let aggregateTooLarge = Code(.aggregateTooLarge)
        /// A `=` payload does not start with a three-byte format and `:`.
        public static let invalidVerbatim = Code(.invalidVerbatim)

        /// The code's words, e.g. `missing CRLF`.
        public var description: String { base.rawValue }
    }

    /// The kind of malformation.
    public var code: Code
    /// Where it is: the absolute offset, in the whole stream fed since the decoder was made,
    /// of the first byte that made the input invalid (the type byte, the bad digit, the byte
    /// where `\r` or `\n` was due, the first byte of a length that is out of range).
    public var offset: Int
    /// What was wrong, in words, e.g. `bulk length 999999999999 exceeds the limit of 536870912`.
    public var message: String

    public init(_ code: Code, offset: Int, message: String) {
        self.code = code
        self.offset = offset
        self.message = message
    }

    /// What failed, where, and what to try.
    public var description: String {
        var text = "RESP decode error at byte \(offset): \(code): \(message)"
        switch code {
        case .invalidTypeByte:
            text += ". Is the peer a Redis server speaking plain RESP (not TLS, HTTP, or a proxy)?"
        case .bulkTooLong, .tooDeep, .lineTooLong, .aggregateTooLarge:
            text += ". Raise RESPLimits if the server is trusted and the reply is genuine"
        default:
            break
        }
        return text
    }
}
