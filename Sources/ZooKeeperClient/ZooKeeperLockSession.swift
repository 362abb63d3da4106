import Dispatch
import Locks
import POSIX

/// `zk-recipe` for one lane: ZooKeeper's lock recipe over one ZooKeeper session that every contender of
/// the lane shares, as one client process would.
///
/// A contender creates `<dir>/c<nonce>-<contender>-<attempt>-lock-` EPHEMERAL_SEQUENTIAL, lists the directory,
/// and holds the lock when its sequence number is the lowest; otherwise it watches the next-lower
/// sibling only (watching the parent would wake every waiter on each release: the herd) and checks
/// again when that one goes. FIFO by construction; the fencing token is the znode's `czxid`.
public final class ZooKeeperLockSession: LockStoreSession, @unchecked Sendable {
    public let queue: DispatchQueue
    /// The connect string, `host:port,host:port`.
    public let servers: String
    /// The session timeout asked for (the lock TTL); the server clamps it to 2 to 20 ticks.
    public let requestedTimeoutMs: Int
    let handshakeTimeoutMs: Int
    /// See `ZooKeeperConnector.serverTickMs`.
    let serverTickMs: Int
    /// Random, and in every znode name this session creates: a create whose reply was lost is found again
    /// by its name's prefix, which must then be this session's alone. Contender and attempt numbers are
    /// per lane, so without it another lane's (or process's) znode could be taken for one's own, and two
    /// holders would hold one znode: a leader kill did exactly that once (curator's "protected" names
    /// carry a GUID for the same reason).
    let nonce = String(UInt64.random(in: 0...UInt64.max), radix: 16)
    var connection: ZooKeeperConnection?
    /// Acquisitions waiting for a replacement session after an expiry.
    var waitingForSession: [(ZooKeeperConnection?) -> Void] = []
    var attempts: [UInt64: ZooKeeperLockAttempt] = [:]
    var nextAttempt: UInt64 = 0
    var madeDirectories: Set<String> = []
    /// Liveness of the sessions that expired before the current one.
    var earlier = ZooKeeperSessionCounters()
    var closed = false
    var reopening = false
    var lastOpenError: ZooKeeperError?

    public var endpointDescription: String { "zookeeper \(servers)" }

    /// The timeout the server granted the current session.
    public var sessionTimeoutMs: Int { connection?.negotiatedTimeoutMs ?? 0 }

    init(servers: String, requestedTimeoutMs: Int, handshakeTimeoutMs: Int, serverTickMs: Int, queue: DispatchQueue) {
        self.servers = servers
        self.requestedTimeoutMs = requestedTimeoutMs
        self.handshakeTimeoutMs = handshakeTimeoutMs
        self.serverTickMs = serverTickMs
        self.queue = queue
    }

    /// Opens the session's first ZooKeeper session; throws when no server completes the handshake.
    public static func open(servers: String, sessionTimeoutMs: Int, queue: DispatchQueue, handshakeTimeoutMs: Int = 10_000,
                            serverTickMs: Int = 2_000) async throws(ZooKeeperError) -> ZooKeeperLockSession {
        let session = ZooKeeperLockSession(servers: servers, requestedTimeoutMs: sessionTimeoutMs, handshakeTimeoutMs: handshakeTimeoutMs,
                                           serverTickMs: serverTickMs, queue: queue)
        let connection = try await ZooKeeperConnection.connect(servers: servers, sessionTimeoutMs: sessionTimeoutMs, queue: queue,
                                                               handshakeTimeoutMs: handshakeTimeoutMs)
        await withCheckedContinuation { continuation in
            queue.async {
                session.adopt(connection)
                continuation.resume()
            }
        }
        return session
    }

    func adopt(_ connection: ZooKeeperConnection) {
        self.connection = connection
        connection.onSessionEvent = { [unowned self, unowned connection] event in
            if event == .expired { self.sessionExpired(connection) }
        }
    }

    /// Renewals are the client's timer wakeups while connected (where it pings when one is due), late
    /// ones came a third of the session timeout past schedule, missed are connection losses, and
    /// expired counts sessions the server dropped; summed over every session the lane had.
    public var liveness: StoreLiveness {
        var counters = earlier
        if let current = connection?.counters {
            counters.wakeups += current.wakeups
            counters.late += current.late
            counters.worstLatenessMs = max(counters.worstLatenessMs, current.worstLatenessMs)
            counters.connectionLosses += current.connectionLosses
            counters.expirations += current.expirations
        }
        var liveness = StoreLiveness()
        liveness.renewals = counters.wakeups
        liveness.late = counters.late
        liveness.worstLatenessMs = counters.worstLatenessMs
        liveness.missed = counters.connectionLosses
        liveness.expired = counters.expirations
        return liveness
    }

    /// The server dropped the session and every znode of it: each waiting acquisition fails (its claim is
    /// gone), held claims release as `.notOwner`, and a new session is opened for what comes next.
    func sessionExpired(_ expired: ZooKeeperConnection) {
        guard connection === expired else { return }
        let counters = expired.counters
        earlier.wakeups += counters.wakeups
        earlier.late += counters.late
        earlier.worstLatenessMs = max(earlier.worstLatenessMs, counters.worstLatenessMs)
        earlier.connectionLosses += counters.connectionLosses
        earlier.expirations += counters.expirations
        connection = nil
        let timeout = expired.negotiatedTimeoutMs
        let failed = attempts.values
        attempts.removeAll()
        for attempt in failed {
            attempt.fail(LockFailure(.transport, operation: "acquire \(attempt.key)",
                                     detail: "the ZooKeeper session on \(servers) expired (timeout \(timeout) ms) with the claim pending; its znode is gone"))
        }
        queue.async { expired.close() }
        reopen()
    }

    /// Opens a replacement session, once at a time, and hands it (or nil, when it failed) to every waiter.
    func reopen() {
        guard !closed, !reopening else { return }
        reopening = true
        ZooKeeperConnection.open(servers: servers, sessionTimeoutMs: requestedTimeoutMs, queue: queue, handshakeTimeoutMs: handshakeTimeoutMs) { [self] result in
            reopening = false
            switch result {
            case .success(let fresh) where !closed: adopt(fresh)
            case .success(let fresh): fresh.close()
            case .failure(let error): lastOpenError = error
            }
            let waiting = waitingForSession
            waitingForSession.removeAll()
            for waiter in waiting { waiter(connection) }
        }
    }

    /// Runs `body` with the live connection, after a replacement session opens (nil: it could not).
    func withConnection(_ body: @escaping (ZooKeeperConnection?) -> Void) {
        if let connection { return body(connection) }
        if closed { return body(nil) }
        waitingForSession.append(body)
        reopen()
    }

    /// Why there is no connection to give an acquisition.
    var noSessionDetail: String {
        if closed { return "the ZooKeeper lock session on \(servers) is closed" }
        return "no ZooKeeper session on \(servers) after the last one expired: \(lastOpenError.map(String.init(describing:)) ?? "the reopen failed")"
    }

    public func acquire(key: String, contender: UInt64, deadlineNanos: UInt64?, completion: @escaping (StoreAcquireResult) -> Void) {
        dispatchPrecondition(condition: .onQueue(queue))
        nextAttempt += 1
        let attempt = ZooKeeperLockAttempt(session: self, id: nextAttempt, key: key, contender: contender, completion: completion)
        attempts[attempt.id] = attempt
        if let deadlineNanos { attempt.armDeadline(deadlineNanos) }
        withConnection { connection in
            guard let connection else {
                return attempt.fail(LockFailure(self.closed ? .cancelled : .transport, operation: "acquire \(key)", detail: self.noSessionDetail))
            }
            attempt.start(on: connection)
        }
    }

    public func release(key: String, claim: StoreClaim, completion: @escaping (StoreReleaseResult) -> Void) {
        dispatchPrecondition(condition: .onQueue(queue))
        withConnection { connection in
            guard let connection else { return completion(.notOwner) }
            self.delete(claim.token, on: connection, retries: 20) { result in
                switch result {
                case .success: completion(.released)
                case .failure(let error) where error.code == .noNode || error.code == .sessionExpired: completion(.notOwner)
                case .failure(let error):
                    completion(.failed(LockFailure(.transport, operation: "release \(key)", detail: error.description)))
                }
            }
        }
    }

    /// Deletes `path`, retrying connection losses (the client reconnects within the session); after a
    /// lost first try, `ZNONODE` means the first try did it.
    func delete(_ path: String, on connection: ZooKeeperConnection, retries: Int, completion: @escaping (ZooResult<Void>) -> Void) {
        connection.delete(path) { result in
            if case .failure(let error) = result, error.code == .connectionLoss, retries > 0, !connection.isExpired {
                let later = QueueConfined(completion)
                self.queue.asyncAfter(deadline: .now() + .milliseconds(50)) {
                    self.delete(path, on: connection, retries: retries - 1) { retried in
                        if case .failure(let again) = retried, again.code == .noNode { return later.value(.success(())) }
                        later.value(retried)
                    }
                }
                return
            }
            completion(result)
        }
    }

    public func close() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !closed else { return }
        closed = true
        let failed = attempts.values
        attempts.removeAll()
        for attempt in failed {
            attempt.fail(LockFailure(.cancelled, operation: "acquire \(attempt.key)", detail: "the ZooKeeper lock session closed"))
        }
        connection?.close()
        connection = nil
        let waiting = waitingForSession
        waitingForSession.removeAll()
        for waiter in waiting { waiter(nil) }
    }
}
