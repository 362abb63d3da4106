import Dispatch
import RedisConnection

/// Opens `HiredisConnection`s, for code that is handed a connector and stays client-agnostic.
public struct HiredisConnector: RedisConnector {
    public init() {}

    /// `.hiredis`.
    public var kind: RedisClientKind { .hiredis }

    /// Connects, authenticates and selects the database; `completion` runs once, on `queue`.
    public func connect(
        to endpoint: Endpoint, options: ConnectionOptions, queue: DispatchQueue,
        completion: @escaping @Sendable (Result<any RedisConnection, RedisError>) -> Void
    ) {
        HiredisConnection.connect(to: endpoint, options: options, queue: queue) { result in
            completion(result.map { $0 })
        }
    }
}
