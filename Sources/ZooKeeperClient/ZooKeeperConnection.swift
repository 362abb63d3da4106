import CZooKeeper
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// One ZooKeeper session on one serial queue, over the single-threaded C client.
///
/// The C client does its I/O only inside `zookeeper_process`, and says through `zookeeper_interest`
/// which descriptor it wants, for reading or writing, and when it must run next (a ping, a reconnect):
/// the connection turns that into read and write `DispatchSource`s and a timer on `queue`, as the hiredis
/// adapter does, so completions and watches run on `queue` and nowhere else. Every method must be called
/// on `queue`.
public final class ZooKeeperConnection: @unchecked Sendable {
    /// The queue that owns the handle, its sources and every callback.
    public let queue: DispatchQueue
    /// `host:port,host:port`: the servers the C client may (re)connect to.
    public let servers: String
    /// The timeout the server granted (the request clamped to 2 to 20 ticks), once connected.
    public internal(set) var negotiatedTimeoutMs = 0
    /// Whether the server expired the session; the connection is then dead and a new one is needed.
    public internal(set) var isExpired = false
    /// Called on each session state change after the first connect: `.connected`, `.connecting`, `.expired`.
    public var onSessionEvent: ((ZooKeeperSessionEvent) -> Void)?
    /// Timer wakeups (pings due), connection losses and expiry, for `StoreLiveness`.
    public internal(set) var counters = ZooKeeperSessionCounters()

    var handle: OpaquePointer?
    /// Nonzero while a C client call is on the stack: completions run inside `zookeeper_process`, and one
    /// that closes the connection must not free the handle under it.
    var inClientCall = 0
    var io = ZooKeeperIOSources()
    var timerDueNanos: UInt64 = 0
    var connected = false
    var connectWaiters: [(Result<Void, ZooKeeperError>) -> Void] = []
    var watches: [String: [(ZooKeeperWatchEvent) -> Void]] = [:]
    lazy var timer: any DispatchSourceTimer = {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.setEventHandler { [unowned self] in self.timerFired() }
        timer.resume()
        return timer
    }()

    /// The C client logs every reconnect to stderr; the harness reports errors itself.
    private static let quietLogging: Void = { zoo_set_debug_level(ZooLogLevel(rawValue: 0)) }()

    init(servers: String, queue: DispatchQueue) {
        self.servers = servers
        self.queue = queue
    }

    /// Opens a session with `sessionTimeoutMs` requested and completes on `queue` once the server granted it.
    ///
    /// Fails with `.handshakeTimeout` when no server answers the handshake by `handshakeTimeoutMs`: the
    /// C client would otherwise retry forever, which is what it does against a port that is not ZooKeeper's.
    public static func open(
        servers: String, sessionTimeoutMs: Int, queue: DispatchQueue, handshakeTimeoutMs: Int = 10_000,
        completion: @escaping @Sendable (Result<ZooKeeperConnection, ZooKeeperError>) -> Void
    ) {
        _ = quietLogging
        queue.async {
            let connection = ZooKeeperConnection(servers: servers, queue: queue)
            let context = Unmanaged.passUnretained(connection).toOpaque()
            guard let handle = zookeeper_init(servers, zooKeeperWatcher, Int32(clamping: sessionTimeoutMs), nil, context, 0) else {
                let code = errno
                return completion(.failure(ZooKeeperError(.invalidState, operation: "zookeeper_init", servers: servers,
                                                          hint: "the C client refused the connect string (errno \(code)); give host:port[,host:port]")))
            }
            connection.handle = handle
            connection.connectWaiters.append { result in
                switch result {
                case .success: completion(.success(connection))
                case .failure(let error):
                    connection.close()
                    completion(.failure(error))
                }
            }
            queue.asyncAfter(deadline: .now() + .milliseconds(handshakeTimeoutMs)) {
                guard !connection.connected, connection.handle != nil else { return }
                connection.failConnectWaiters(ZooKeeperError(
                    .handshakeTimeout, operation: "connect", servers: servers,
                    hint: "no ZooKeeper handshake within \(handshakeTimeoutMs) ms. Is this a Redis port? ZooKeeper listens on 2181 (check the host:port and that the server runs)"))
            }
            connection.pump()
        }
    }

    /// The async form of `open`.
    public static func connect(servers: String, sessionTimeoutMs: Int, queue: DispatchQueue, handshakeTimeoutMs: Int = 10_000) async throws(ZooKeeperError) -> ZooKeeperConnection {
        let result = await withCheckedContinuation { continuation in
            open(servers: servers, sessionTimeoutMs: sessionTimeoutMs, queue: queue, handshakeTimeoutMs: handshakeTimeoutMs) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// Closes the session (its ephemeral znodes go at once) and the sources. Pending requests complete
    /// with `ZCLOSING`. Idempotent; on `queue`.
    public func close() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let handle else { return }
        io.cancel()
        timer.cancel()
        self.handle = nil
        // The single-threaded close waits (bounded) for the server to confirm the session's end.
        if inClientCall > 0 {
            let later = QueueConfined(handle)
            queue.async { zookeeper_close(later.value) }
        } else {
            zookeeper_close(handle)
        }
        failConnectWaiters(ZooKeeperError(.closing, operation: "connect", servers: servers))
        watches.removeAll()
    }

    func failConnectWaiters(_ error: ZooKeeperError) {
        let waiters = connectWaiters
        connectWaiters.removeAll()
        for waiter in waiters { waiter(.failure(error)) }
    }
}

/// A session state change.
public enum ZooKeeperSessionEvent: Sendable, Hashable {
    /// The handshake completed (first connect or a reconnect within the session).
    case connected
    /// The connection dropped; the client is reconnecting within the session timeout.
    case connecting
    /// The server expired the session: its ephemeral znodes are deleted.
    case expired
}

/// A watch that fired on a path.
public enum ZooKeeperWatchEvent: Sendable, Hashable {
    /// The watched znode was deleted: for the lock recipe, the next-lower contender left.
    case deleted
    /// A watched absent path was created.
    case created
    /// Data or children changed.
    case changed
    /// The session ended before the watch fired.
    case sessionLost
}

/// What the session's liveness looked like, counted on the queue.
public struct ZooKeeperSessionCounters: Sendable, Hashable {
    /// Timer wakeups while connected: each is where the client sends a ping when one is due.
    public var wakeups = 0
    /// Wakeups later than scheduled by more than a third of the session timeout (a ping's whole budget),
    /// and the worst lateness, ms.
    public var late = 0
    public var worstLatenessMs = 0.0
    /// Connection losses while the session lived.
    public var connectionLosses = 0
    /// Sessions the server expired (at most one per connection).
    public var expirations = 0
}
