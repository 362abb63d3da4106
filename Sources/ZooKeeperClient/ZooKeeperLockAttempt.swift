import Dispatch
import Locks

/// One contender's pass through the lock recipe, from its znode's creation to the grant, the deadline
/// or a failure; it completes exactly once and always withdraws its znode unless granted.
final class ZooKeeperLockAttempt: @unchecked Sendable {  // confined to the session's queue
    unowned let session: ZooKeeperLockSession
    let id: UInt64
    let key: String
    let directory: String
    /// Names this attempt's znode among the directory's children, so a create whose reply was lost with
    /// the connection can be found again instead of leaving an orphan in the queue.
    let prefix: String
    private var completion: ((StoreAcquireResult) -> Void)?
    private var connection: ZooKeeperConnection?
    private var requests = 0
    private var own: (name: String, czxid: Int64)?
    private var done: Bool { completion == nil }

    init(session: ZooKeeperLockSession, id: UInt64, key: String, contender: UInt64, completion: @escaping (StoreAcquireResult) -> Void) {
        self.session = session
        self.id = id
        self.key = key
        self.directory = ZooKeeperLockPaths.directory(for: key)
        self.prefix = "c\(session.nonce)-\(contender)-\(id)-lock-"
        self.completion = completion
    }

    func armDeadline(_ deadlineNanos: UInt64) {
        let now = LockClock.monotonicNanos()
        let delay = deadlineNanos > now ? deadlineNanos - now : 0
        session.queue.asyncAfter(deadline: .now() + .nanoseconds(Int(clamping: delay))) { [weak self] in
            guard let self, !self.done else { return }
            self.withdraw()
            self.finish(.timedOut(requests: self.requests))
        }
    }

    func start(on connection: ZooKeeperConnection) {
        guard !done else { return }
        self.connection = connection
        if session.madeDirectories.contains(directory) { return create() }
        makeParents([ZooKeeperLockPaths.root, directory])
    }

    func fail(_ failure: LockFailure) {
        guard !done else { return }
        withdraw()
        finish(.failed(failure, requests: requests))
    }

    // MARK: steps

    /// Persistent parents, once per directory per session: `ZNODEEXISTS` is the usual answer.
    private func makeParents(_ paths: [String]) {
        guard let connection, let path = paths.first else {
            session.madeDirectories.insert(directory)
            return create()
        }
        requests += 1
        connection.create(path, mode: .persistent) { [self] result in
            guard !done else { return }
            switch result {
            case .success: makeParents(Array(paths.dropFirst()))
            case .failure(let error) where error.code == .nodeExists: makeParents(Array(paths.dropFirst()))
            case .failure(let error) where error.code == .connectionLoss: retry { self.makeParents(paths) }
            case .failure(let error): fail(error, "create the lock directory \(path)")
            }
        }
    }

    private func create() {
        guard let connection else { return }
        requests += 1
        connection.create("\(directory)/\(prefix)", mode: .ephemeralSequential) { [self] result in
            switch result {
            case .success(let created):
                own = (String(created.path.split(separator: "/").last ?? ""), created.stat.czxid)
                // The deadline passed while the create was in flight: take the znode straight back out.
                if done { return withdraw() }
                check()
            case .failure where done:
                return
            case .failure(let error) where error.code == .connectionLoss:
                retry { self.findOwnAfterLoss() }
            case .failure(let error) where error.code == .noNode:
                // The directory went (a cleanup): make it again.
                session.madeDirectories.remove(directory)
                makeParents([ZooKeeperLockPaths.root, directory])
            case .failure(let error):
                fail(error, "create the contender's znode")
            }
        }
    }

    private func findOwnAfterLoss() {
        guard let connection else { return }
        requests += 1
        connection.children(directory) { [self] result in
            guard !done else { return }
            switch result {
            case .success(let names):
                guard let name = names.first(where: { $0.hasPrefix(prefix) }) else { return create() }
                requests += 1
                connection.stat("\(directory)/\(name)") { [self] stat in
                    guard !done else { return }
                    switch stat {
                    case .success(let stat):
                        own = (name, stat.czxid)
                        check()
                    case .failure(let error) where error.code == .connectionLoss: retry { self.findOwnAfterLoss() }
                    case .failure(let error): fail(error, "read the contender's znode")
                    }
                }
            case .failure(let error) where error.code == .connectionLoss: retry { self.findOwnAfterLoss() }
            case .failure(let error): fail(error, "list the lock's queue")
            }
        }
    }

    /// Lists the queue: lowest sequence holds the lock; otherwise watch the next-lower sibling only.
    private func check() {
        guard let connection, let own else { return }
        requests += 1
        let sent = LockClock.monotonicNanos()
        connection.children(directory) { [self] result in
            guard !done else { return }
            switch result {
            case .success(let names):
                let queue = names.compactMap { name in ZooKeeperLockPaths.sequence(of: name).map { (name, $0) } }.sorted { $0.1 < $1.1 }.map(\.0)
                guard let index = queue.firstIndex(of: own.name) else {
                    return fail(LockFailure(.transport, operation: "acquire \(key)",
                                            detail: "the contender's znode \(directory)/\(own.name) is gone: the ZooKeeper session on \(session.servers) expired"))
                }
                if index == 0 {
                    // The listing's answer shows the session alive when the server handled it, after `sent`.
                    let certainMs = max(0, connection.negotiatedTimeoutMs - session.serverTickMs)
                    return finish(.granted(StoreClaim(token: "\(directory)/\(own.name)", fence: own.czxid, requests: requests,
                                                      validUntilNanos: sent &+ UInt64(certainMs) &* 1_000_000)))
                }
                watch("\(directory)/\(queue[index - 1])")
            case .failure(let error) where error.code == .connectionLoss: retry { self.check() }
            case .failure(let error): fail(error, "list the lock's queue")
            }
        }
    }

    private func watch(_ predecessor: String) {
        guard let connection else { return }
        requests += 1
        connection.exists(predecessor, watch: { [weak self] event in
            guard let self, !self.done else { return }
            if event == .sessionLost { return }  // the session's expiry fails every attempt itself
            self.check()
        }) { [self] result in
            guard !done else { return }
            switch result {
            case .success(.none): check()  // released between the listing and the watch
            case .success(.some): break  // the watch will call back
            case .failure(let error) where error.code == .connectionLoss: retry { self.check() }
            case .failure(let error): fail(error, "watch the next-lower contender \(predecessor)")
            }
        }
    }

    // MARK: ending

    /// Connection losses are retried: the client reconnects within the session, and a request in flight
    /// when it dropped may or may not have been applied (each step is safe to repeat).
    private func retry(_ step: @escaping () -> Void) {
        let later = QueueConfined(step)
        session.queue.asyncAfter(deadline: .now() + .milliseconds(20)) { [weak self] in
            guard let self, !self.done else { return }
            later.value()
        }
    }

    private func withdraw() {
        guard let connection, let own, !connection.isExpired else { return }
        session.delete("\(directory)/\(own.name)", on: connection, retries: 20) { _ in }
        self.own = nil
    }

    private func fail(_ error: ZooKeeperError, _ step: String) {
        fail(LockFailure(.transport, operation: "acquire \(key)", detail: "\(step): \(error)"))
    }

    private func finish(_ result: StoreAcquireResult) {
        guard let completion else { return }
        self.completion = nil
        session.attempts[id] = nil
        completion(result)
    }
}
