import Dispatch
import Locks
import RedisConnection

/// Opens `zk-recipe` sessions on a ZooKeeper ensemble: one ZooKeeper session per lane, its timeout the
/// lock's TTL (clamped by the servers to 2 to 20 ticks).
public struct ZooKeeperConnector: LockStoreConnector {
    public var kind: LockStoreKind { .zookeeper }
    /// The servers' client ports; the C client picks one and moves to another when it drops.
    public let endpoints: [Endpoint]
    /// How long a session may take to complete its handshake before the open fails (a port that is not
    /// ZooKeeper's never completes it).
    public let handshakeTimeoutMs: Int
    /// The servers' `tickTime`, ms. A follower tells the leader of its clients' activity about once a
    /// tick, so the leader may expire a session up to a tick earlier than its client's last answered
    /// request implies: a claim's certain validity leaves that tick out. 2,000 ms (ZooKeeper's shipped
    /// configuration) when the ensemble is not lockbench's own.
    public let serverTickMs: Int

    public init(endpoints: [Endpoint], handshakeTimeoutMs: Int = 10_000, serverTickMs: Int = 2_000) {
        self.endpoints = endpoints
        self.handshakeTimeoutMs = handshakeTimeoutMs
        self.serverTickMs = serverTickMs
    }

    /// `host:port,host:port`, the C client's connect string.
    public var servers: String {
        endpoints.map { endpoint in
            if case .tcp(let host, let port) = endpoint { return "\(host):\(port)" }
            return endpoint.description
        }.joined(separator: ",")
    }

    public func open(spec: LockSpec, queue: DispatchQueue) async throws -> any LockStoreSession {
        guard spec.algorithm.store == .zookeeper else {
            throw LockFailure(.unsupported, operation: "open \(spec.algorithm)", detail: "\(spec.algorithm) runs on \(spec.algorithm.store), not ZooKeeper")
        }
        return try await ZooKeeperLockSession.open(servers: servers, sessionTimeoutMs: spec.ttlMs, queue: queue,
                                                   handshakeTimeoutMs: handshakeTimeoutMs, serverTickMs: serverTickMs)
    }

    /// Deletes the lock directories of keys under `prefix` (and the znodes in them); other keys' are left.
    public func cleanup(prefix: String) async throws {
        let queue = DispatchQueue(label: "lockbench.zookeeper.cleanup")
        let connection = try await ZooKeeperConnection.connect(servers: servers, sessionTimeoutMs: 10_000, queue: queue,
                                                               handshakeTimeoutMs: handshakeTimeoutMs)
        let escaped = ZooKeeperLockPaths.escape(prefix)
        let result: ZooResult<Void> = await withCheckedContinuation { continuation in
            queue.async {
                connection.deleteTree(under: ZooKeeperLockPaths.root, where: { $0.hasPrefix(escaped) }) { result in
                    connection.close()
                    continuation.resume(returning: result.flatMapError { $0.code == .noNode ? .success(()) : .failure($0) })
                }
            }
        }
        try result.get()
    }
}

extension ZooKeeperConnection {
    /// Deletes every child of `parent` whose name passes `matching`, each with its own children first.
    func deleteTree(under parent: String, where matching: @escaping (String) -> Bool, completion: @escaping (ZooResult<Void>) -> Void) {
        children(parent) { [self] listed in
            switch listed {
            case .failure(let error): completion(.failure(error))
            case .success(let names):
                let paths = names.filter(matching).map { "\(parent)/\($0)" }
                deleteEach(paths, completion: completion)
            }
        }
    }

    private func deleteEach(_ paths: [String], completion: @escaping (ZooResult<Void>) -> Void) {
        guard let path = paths.first else { return completion(.success(())) }
        deleteTree(under: path, where: { _ in true }) { [self] inner in
            if case .failure(let error) = inner, error.code != .noNode { return completion(.failure(error)) }
            delete(path) { [self] deleted in
                if case .failure(let error) = deleted, error.code != .noNode { return completion(.failure(error)) }
                deleteEach(Array(paths.dropFirst()), completion: completion)
            }
        }
    }
}
