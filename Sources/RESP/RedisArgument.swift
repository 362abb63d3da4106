/// One argument of a command, encoded as a RESP bulk string.
///
/// Integers are formatted straight into the output buffer, so building `PX 30000`
/// allocates nothing beyond the argument array itself.
public enum RedisArgument: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    /// UTF-8 text.
    case string(String)
    /// Raw bytes (binary-safe).
    case bytes([UInt8])
    /// A decimal integer.
    case integer(Int64)

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
}
