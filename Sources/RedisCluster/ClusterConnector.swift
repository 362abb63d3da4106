import Dispatch
import RedisConnection

/// Makes `ClusterConnection`s over another client's connector (native or hiredis), so the lock layer
/// and the driver run on a cluster unchanged: they are handed this connector instead of the client's.
public struct ClusterConnector: RedisConnector {
    /// The client that makes each node's connection.
    public let inner: any RedisConnector
    /// Redirects and retries of every connection this connector made.
    public let counters: ClusterCounters

    public init(wrapping inner: any RedisConnector, counters: ClusterCounters = ClusterCounters()) {
        self.inner = inner
        self.counters = counters
    }

    public var kind: RedisClientKind { inner.kind }

    /// Connects to `endpoint` (any cluster node), reads the slot map there, then connects to every
    /// primary; completes once all are ready, or with the first failure (the connections made are closed).
    public func connect(
        to endpoint: Endpoint, options: ConnectionOptions, queue: DispatchQueue,
        completion: @escaping @Sendable (Result<any RedisConnection, RedisError>) -> Void
    ) {
        let inner = self.inner
        let counters = self.counters
        inner.connect(to: endpoint, options: options, queue: queue) { result in
            switch result {
            case .failure(let error): completion(.failure(error))
            case .success(let home):
                ClusterConnection.readMap(from: home, tls: options.tls != nil) { mapped in
                    switch mapped {
                    case .failure(let error):
                        home.close()
                        completion(.failure(error.redisError))
                    case .success(let map):
                        let cluster = ClusterConnection(home: home, map: map, connector: inner, options: options, counters: counters)
                        cluster.connectPrimaries { error in
                            if let error {
                                cluster.close()
                                completion(.failure(error))
                            } else {
                                completion(.success(cluster))
                            }
                        }
                    }
                }
            }
        }
    }

    /// The slot map as `endpoint` reports it, over a connection of the wrapped client.
    public func slotMap(at endpoint: Endpoint, options: ConnectionOptions) async throws(ClusterMapError) -> SlotMap {
        let connection: any RedisConnection
        do { connection = try await inner.connect(to: endpoint, options: options) } catch {
            throw ClusterMapError(.transport(error), endpoint: endpoint)
        }
        defer { connection.close() }
        let result: Result<SlotMap, ClusterMapError> = await withCheckedContinuation { continuation in
            ClusterConnection.readMap(from: connection, tls: options.tls != nil) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }
}
