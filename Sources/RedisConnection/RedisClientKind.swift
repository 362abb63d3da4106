/// The two client implementations the harness compares.
public enum RedisClientKind: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// The native Swift RESP client (`NativeClient`).
    case native
    /// The hiredis-wrapped C client (`HiredisClient`).
    case hiredis

    /// `native` or `hiredis`.
    public var description: String { rawValue }
}

extension RedisClientKind {
    /// Why this client cannot speak TLS, or `nil` when it can. The one statement of the rule: the
    /// hiredis connector refuses TLS options with it, and `bench` refuses `--client hiredis --tls` with it.
    public var tlsRefusal: String? {
        switch self {
        case .native: return nil
        case .hiredis: return "hiredis 0.14 has no TLS (it arrived in hiredis 1.0); use --client native"
        }
    }
}
