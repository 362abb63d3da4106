import Dispatch
import EtcdProto
import Locks
import Synchronization

/// The leases of one session and their keep-alive: granted on demand, renewed every TTL/3 over one
/// LeaseKeepAlive stream, and measured like the Redis watchdog (how late, how many unanswered).
///
/// The renewal clock runs on the session's queue, as a client's keep-alive runs in its process: a
/// stalled queue (a lane stuck like a paused client) sends no keep-alive, and its lease expires for
/// real on the server.
final class EtcdLeaseKeeper: @unchecked Sendable {
    // @unchecked: `liveness`, `outstanding`, `intervalNanos`, `due` and `onLost` are confined to `queue`;
    // the leases and the stream's continuation sit behind `state`, which Tasks touch too.
    let connection: EtcdConnection
    let queue: DispatchQueue
    /// The TTL asked for, in whole seconds (etcd leases have no finer grain).
    let requestedTTL: Int64
    var liveness = StoreLiveness()
    /// Called on `queue` with a lease the server said is gone (expired), after it is forgotten here.
    var onLost: ((Int64) -> Void)?
    private var outstanding = 0
    private var intervalNanos: UInt64 = 0
    private var due: UInt64 = 0
    /// Per lease, when each renewal still unanswered on the current stream went out, oldest first: an
    /// answer is paired with the oldest, which can only understate how long the lease lives.
    private var unansweredSends: [Int64: [UInt64]] = [:]

    private struct State {
        var ids: Set<Int64> = []
        var primary: Task<Int64, any Error>?
        var primaryID: Int64?
        var grantedTTL: Int64?
        var continuation: AsyncStream<Int64>.Continuation?
        var closed = false
        /// Per lease, the monotonic instant before which the server cannot have expired it: when the
        /// grant or the last answered renewal was *sent*, plus the TTL the server answered with (the
        /// server starts the TTL when it handles the request, after we sent it).
        var certainUntil: [Int64: UInt64] = [:]
    }
    private let state = Mutex(State())
    private let streamTask = Mutex<Task<Void, Never>?>(nil)

    /// A renewal counts as late past this much behind schedule: Dispatch timers have a few ms of leeway.
    static let lateSlackNanos: UInt64 = 5_000_000

    init(connection: EtcdConnection, queue: DispatchQueue, ttlMs: Int) {
        self.connection = connection
        self.queue = queue
        // etcd raises a TTL below its minimum (1.5 x the election timeout, rounded up: 2 s with the
        // default 1 s election timeout) and says so in the grant; `grantedTTL` keeps what it chose.
        self.requestedTTL = Int64(max(1, (ttlMs + 999) / 1000))
    }

    /// The TTL etcd granted (seconds), once a lease was granted.
    var grantedTTL: Int64? { state.withLock { $0.grantedTTL } }

    /// Starts the keep-alive stream; renewals begin with the first grant.
    func start() {
        // Weakly held: a session dropped without close() must not be kept alive by its own stream.
        let owner = WeakKeeper(keeper: self)
        let task = Task {
            while !Task.isCancelled, let self = owner.keeper {
                let (ids, continuation) = AsyncStream<Int64>.makeStream()
                let open = self.state.withLock { state -> Bool in
                    guard !state.closed else { return false }
                    state.continuation = continuation
                    return true
                }
                guard open else { return }
                let queue = self.queue
                do {
                    try await self.connection.keepAlive(ids: ids) { answer in
                        queue.async { owner.keeper?.answered(answer) }
                    }
                } catch {
                    // The stream broke (its member died): the next pass opens another; renewals sent
                    // meanwhile are lost and counted missed at the next tick.
                }
                // Renewals sent on the stream that ended will never be answered: none may be paired
                // with an answer on the next one (that would date a renewal later than it went out).
                self.state.withLock { $0.continuation = nil }
                queue.async { owner.keeper?.unansweredSends.removeAll() }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        streamTask.withLock { $0 = task }
    }

    /// The session's own lease (etcd-mutex's contenders share it), granted once and again after it is lost.
    func primaryLease() async throws(EtcdError) -> Int64 {
        let task = state.withLock { state -> Task<Int64, any Error> in
            if let task = state.primary { return task }
            let task = Task { () async throws -> Int64 in
                let id = try await self.grant()
                self.state.withLock { $0.primaryID = id }
                return id
            }
            state.primary = task
            return task
        }
        do {
            return try await task.value
        } catch {
            state.withLock { if $0.primary == task { $0.primary = nil } }
            throw error as? EtcdError ?? EtcdError.from(error, call: "Lease.LeaseGrant", endpoints: connection.endpointList)
        }
    }

    /// The monotonic instant before which `lease` certainly still exists on the server (nil: not one
    /// of this keeper's). A claim under the lease lives at least this long, whatever the keep-alives do next.
    func certainUntilNanos(of lease: Int64) -> UInt64? {
        state.withLock { $0.certainUntil[lease] }
    }

    /// A new lease of the session's TTL, kept alive from now on.
    func grant() async throws(EtcdError) -> Int64 {
        let sent = LockClock.monotonicNanos()
        let granted = try await connection.grant(ttlSeconds: requestedTTL)
        let first = state.withLock { state -> Bool in
            state.ids.insert(granted.id)
            state.certainUntil[granted.id] = sent &+ UInt64(max(0, granted.ttl)) &* 1_000_000_000
            defer { state.grantedTTL = granted.ttl }
            return state.grantedTTL == nil
        }
        if first {
            queue.async { self.startTicking(ttlSeconds: granted.ttl) }
        }
        return granted.id
    }

    /// Stops renewing `id` and revokes it (its keys go with it).
    func revoke(_ id: Int64) async throws(EtcdError) {
        forget(id)
        try await connection.revoke(id)
    }

    /// Ends the keep-alives and revokes every lease, in the background. Idempotent.
    func close(then finish: @escaping @Sendable () -> Void) {
        let ids: Set<Int64>? = state.withLock { state in
            guard !state.closed else { return nil }
            state.closed = true
            state.continuation?.finish()
            state.continuation = nil
            return state.ids
        }
        guard let ids else { return }
        streamTask.withLock { $0?.cancel() }
        Task { [connection] in
            for id in ids { try? await connection.revoke(id) }
            finish()
        }
    }

    private func forget(_ id: Int64) {
        state.withLock { state in
            state.ids.remove(id)
            state.certainUntil[id] = nil
            if state.primaryID == id {
                state.primaryID = nil
                state.primary = nil
            }
        }
    }

    // MARK: on queue

    private func startTicking(ttlSeconds: Int64) {
        intervalNanos = UInt64(max(ttlSeconds, 1)) * 1_000_000_000 / 3
        due = LockClock.monotonicNanos() &+ intervalNanos
        schedule()
    }

    private func schedule() {
        let now = LockClock.monotonicNanos()
        let delay = due > now ? due - now : 0
        queue.asyncAfter(deadline: .now() + .nanoseconds(Int(delay))) { [weak self] in self?.tick() }
    }

    private func tick() {
        let fired = LockClock.monotonicNanos()
        let (ids, continuation, closed) = state.withLock { ($0.ids, $0.continuation, $0.closed) }
        guard !closed else { return }
        let lateness = fired > due ? fired - due : 0
        if lateness > Self.lateSlackNanos {
            liveness.late += 1
            liveness.worstLatenessMs = max(liveness.worstLatenessMs, Double(lateness) / 1e6)
        }
        liveness.missed += outstanding
        if let continuation {
            outstanding = ids.count
            for id in ids {
                unansweredSends[id, default: []].append(fired)
                continuation.yield(id)
            }
        } else {
            // Between two keep-alive streams: nothing can go out, so each renewal due now is missed.
            outstanding = 0
            liveness.missed += ids.count
        }
        // Like the watchdog: due a third of the TTL after this send, so the schedule never drifts past
        // the lease's real expiry.
        due = fired &+ intervalNanos
        schedule()
    }

    private func answered(_ answer: Etcdserverpb_LeaseKeepAliveResponse) {
        outstanding = max(0, outstanding - 1)
        var sent: UInt64?
        if var sends = unansweredSends[answer.id], !sends.isEmpty {
            sent = sends.removeFirst()
            unansweredSends[answer.id] = sends
        }
        if answer.ttl > 0 {
            liveness.renewals += 1
            if let sent {
                let until = sent &+ UInt64(answer.ttl) &* 1_000_000_000
                state.withLock { state in
                    guard state.ids.contains(answer.id) else { return }
                    state.certainUntil[answer.id] = max(state.certainUntil[answer.id] ?? 0, until)
                }
            }
            return
        }
        // TTL 0: the lease is gone (expired while the queue stalled, or revoked); every claim under it too.
        let known = state.withLock { $0.ids.contains(answer.id) }
        guard known else { return }
        liveness.expired += 1
        forget(answer.id)
        onLost?(answer.id)
    }
}

/// A weak reference a Task can carry (a `[weak self]` capture is a var, which Sendable closures refuse).
private struct WeakKeeper: @unchecked Sendable {
    // @unchecked: a weak reference to a class whose shared state is guarded (see EtcdLeaseKeeper).
    weak var keeper: EtcdLeaseKeeper?
}
