import HiredisClient
import NativeClient
import RedisConnection

/// The one place a client kind becomes a client: everything above the harness names a
/// `RedisClientKind` and never imports a client.
public enum ClientConnectors {
    /// A connector of `kind`.
    public static func connector(for kind: RedisClientKind) -> any RedisConnector {
        switch kind {
        case .native: return NativeConnector()
        case .hiredis: return HiredisConnector()
        }
    }
}
