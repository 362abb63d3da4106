/// The two client implementations the harness compares.
public enum RedisClientKind: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// The native Swift RESP client (`NativeClient`).
    case native
    /// The hiredis-wrapped C client (`HiredisClient`).
    case hiredis

    /// `native` or `hiredis`.
    public var description: String { rawValue }
}
