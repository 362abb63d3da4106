import Dispatch
import LoadDriver
import Locks
import RESP
import RedisConnection
import Synchronization

/// Follows a Sentinel-watched primary for one run: knows the current primary (what
/// `SentinelConnector` connects to), hears `+switch-master` on a sentinel (resubscribing through the
/// next one when that one dies), and asks the sentinels again when a connection finds the primary gone
/// or demoted. Every move is reported once, in order, on its own queue.
final class SentinelFollower: PrimaryWatch, Sendable {
    let target: SentinelTarget
    /// Owns the subscription connection and runs every move report.
    let queue = DispatchQueue(label: "lockbench.sentinel.follow")
    private let state: Mutex<State>
    /// How often the subscription is checked, and the least time between two re-resolutions: a dead
    /// primary refuses every reconnect, and each must not cost a round of sentinel queries.
    static let checkNanos: UInt64 = 100_000_000

    private struct State {
        var primary: Endpoint
        var moved: (@Sendable (PrimaryMove) -> Void)?
        var subscriber: (any RedisConnection)?
        var subscribing = false
        var nextSentinel = 0
        var resolving = false
        var lastResolve: UInt64 = 0
        var stopped = false
    }

    init(target: SentinelTarget, primary: Endpoint) {
        self.target = target
        self.state = Mutex(State(primary: primary))
    }

    /// The primary connections should go to now.
    var primary: Endpoint { state.withLock { $0.primary } }

    func start(moved: @escaping @Sendable (PrimaryMove) -> Void) async {
        state.withLock { $0.moved = moved }
        await subscribe()
        queue.async { self.check() }
    }

    func stop() {
        let subscriber = state.withLock { state -> (any RedisConnection)? in
            state.stopped = true
            state.moved = nil
            defer { state.subscriber = nil }
            return state.subscriber
        }
        queue.async { subscriber?.close() }
    }

    func suspect(_ endpoint: Endpoint) {
        let now = LockClock.monotonicNanos()
        let go = state.withLock { state -> Bool in
            guard !state.stopped, !state.resolving, state.primary == endpoint, now &- state.lastResolve >= Self.checkNanos else { return false }
            state.resolving = true
            state.lastResolve = now
            return true
        }
        guard go else { return }
        Task { await self.resolveAgain() }
    }

    /// Asks the sentinels where the primary is, and reports a move if it is somewhere else.
    func resolveAgain() async {
        let found = try? await target.resolve()
        state.withLock { $0.resolving = false }
        if let found { queue.async { self.move(to: found) } }
    }

    /// Runs on `queue`, so moves are reported in the order they are learnt.
    private func move(to primary: Endpoint) {
        dispatchPrecondition(condition: .onQueue(queue))
        let report = state.withLock { state -> (@Sendable (PrimaryMove) -> Void, Endpoint)? in
            guard !state.stopped, state.primary != primary, let moved = state.moved else { return nil }
            defer { state.primary = primary }
            return (moved, state.primary)
        }
        guard let (moved, old) = report else { return }
        moved(PrimaryMove(from: old, to: primary, atNanos: LockClock.monotonicNanos()))
    }

    /// Subscribes to `+switch-master` on the first sentinel that takes it, starting after the last one
    /// used; on no sentinel, the next check tries again.
    private func subscribe() async {
        let go = state.withLock { state -> Int? in
            guard !state.stopped, !state.subscribing else { return nil }
            state.subscribing = true
            return state.nextSentinel
        }
        guard let first = go else { return }
        let count = target.sentinels.count
        var subscribed: (any RedisConnection)?
        var used = first
        for offset in 0..<count where subscribed == nil {
            used = (first + offset) % count
            subscribed = await subscription(to: target.sentinels[used])
        }
        let made = subscribed
        let keep = state.withLock { state -> Bool in
            state.subscribing = false
            state.nextSentinel = (used + 1) % count
            guard !state.stopped, made != nil else { return false }
            state.subscriber = made
            return true
        }
        if !keep { queue.async { made?.close() } }
    }

    private func subscription(to sentinel: Endpoint) async -> (any RedisConnection)? {
        guard let connection = try? await ClientConnectors.connector(for: .native).connect(to: sentinel, options: target.sentinelOptions, queue: queue) else {
            return nil
        }
        let name = target.masterName
        // Before SUBSCRIBE: a switch announced right after the confirmation must not be missed.
        connection.setPushHandler { [weak self] message in
            guard message.channel == "+switch-master", let primary = Self.newPrimary(message.payload, masterName: name) else { return }
            self?.move(to: primary)
        }
        guard let reply = try? await connection.send(["SUBSCRIBE", "+switch-master"]), reply.errorMessage == nil else {
            connection.close()
            return nil
        }
        return connection
    }

    /// `<name> <old-ip> <old-port> <new-ip> <new-port>`: the new primary, for our name only.
    static func newPrimary(_ payload: [UInt8], masterName: String) -> Endpoint? {
        let words = String(decoding: payload, as: UTF8.self).split(separator: " ")
        guard words.count == 5, words[0] == masterName, let port = Int(words[4]) else { return nil }
        return .tcp(host: String(words[3]), port: port)
    }

    /// Every `checkNanos` on `queue`: a dead subscription is replaced through another sentinel, and the
    /// primary asked for again, since a switch may have been announced while nobody listened.
    private func check() {
        let (stopped, subscriber, subscribing) = state.withLock { ($0.stopped, $0.subscriber, $0.subscribing) }
        guard !stopped else { return }
        if !subscribing, subscriber?.isOpen != true {
            state.withLock { $0.subscriber = nil }
            Task {
                await self.subscribe()
                await self.resolveAgain()
            }
        }
        queue.asyncAfter(deadline: .now() + .nanoseconds(Int(Self.checkNanos))) { self.check() }
    }
}
