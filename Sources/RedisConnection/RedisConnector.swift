import Dispatch

/// Opens connections of one client kind, so code above the clients (locks, driver, tests) stays
/// generic: it is handed a connector and never imports a client.
public protocol RedisConnector: Sendable {
    /// Which client this connector makes.
    var kind: RedisClientKind { get }

    /// Connects, authenticates and selects the database; `completion` runs once, on `queue`.
    func connect(
        to endpoint: Endpoint, options: ConnectionOptions, queue: DispatchQueue,
        completion: @escaping @Sendable (Result<any RedisConnection, RedisError>) -> Void
    )
}

extension RedisConnector {
    /// Connects and awaits the ready connection.
    public func connect(
        to endpoint: Endpoint, options: ConnectionOptions = ConnectionOptions(),
        queue: DispatchQueue = DispatchQueue(label: "lockbench.connection")
    ) async throws(RedisError) -> any RedisConnection {
        let result: Result<any RedisConnection, RedisError> = await withCheckedContinuation { continuation in
            connect(to: endpoint, options: options, queue: queue) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }
}
