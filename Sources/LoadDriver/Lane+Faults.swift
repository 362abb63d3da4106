import Locks
import RedisConnection

/// What a lane needs to carry on through faults (`Scenario.reconnect`), confined to its queue.
struct LaneFaults {
    let policy: ReconnectPolicy
    let connector: any RedisConnector
    let options: ConnectionOptions
    /// Slots (contexts) whose dead connections are being reopened now.
    var reopening: Set<Int> = []
    /// When each slot last started reopening (monotonic ns).
    var lastAttempt: [Int: UInt64] = [:]
    /// Connections reopened that came back open.
    var reconnects = 0
    /// Replaced contexts whose acquisitions may still be finishing on their live connections.
    var retired: [LockContext] = []
    /// Commands sent by replaced contexts already dropped from `retired`.
    var retiredCommands = 0
    /// The lane closed: a reopen that completes now must close what it opened.
    var closed = false
}

/// The connections one reopen has made so far, by index (the subscriber: `connections.count`).
final class ReopenedConnections: @unchecked Sendable {
    // @unchecked: touched only on the lane's queue (the connector completes there).
    let expected: Int
    var fresh: [Int: any RedisConnection] = [:]

    init(expected: Int) { self.expected = expected }
}

extension Lane {
    /// Makes the lane reopen dead connections instead of ending the run (call before `start`).
    func tolerateFaults(_ policy: ReconnectPolicy, connector: any RedisConnector, options: ConnectionOptions) {
        faults = LaneFaults(policy: policy, connector: connector, options: options)
    }

    /// Starts the event log if the scenario asks for one (call before `start`).
    func keepEvents(capacity: Int?) {
        events = capacity.map { LoadEventLog(capacity: $0) }
    }

    /// Looks for dead connections every `intervalMs` while the lane runs. Polled rather than triggered by
    /// a failure: a waiting contender may not notice a dead server for a long time.
    func watchConnections() {
        guard let policy = faults?.policy, !stopping else { return }
        let now = LockClock.monotonicNanos()
        let interval = UInt64(max(1, policy.intervalMs)) * 1_000_000
        for slot in contexts.indices where Self.hasDeadConnection(contexts[slot]) {
            guard let faults, !faults.reopening.contains(slot), now &- (faults.lastAttempt[slot] ?? 0) >= interval else { continue }
            reopen(slot, now: now)
        }
        _ = wheel.schedule(afterNanos: interval) { [unowned self] in self.watchConnections() }
    }

    static func hasDeadConnection(_ context: LockContext) -> Bool {
        context.connections.contains { !$0.isOpen } || context.subscriber.map { !$0.isOpen } == true
    }

    /// Opens a fresh connection for each dead one of context `slot`; a server that still refuses gets a
    /// `DownConnection` (its commands fail at once), so Redlock keeps voting with the nodes that answer.
    func reopen(_ slot: Int, now: UInt64) {
        guard let connector = faults?.connector, let options = faults?.options else { return }
        faults?.reopening.insert(slot)
        faults?.lastAttempt[slot] = now
        let old = contexts[slot]
        var dead: [Int] = old.connections.indices.filter { !old.connections[$0].isOpen }
        // Index `connections.count` stands for the subscriber.
        if let subscriber = old.subscriber, !subscriber.isOpen { dead.append(old.connections.count) }
        let opened = ReopenedConnections(expected: dead.count)
        for index in dead {
            let endpoint = index < old.connections.count ? old.connections[index].endpoint : old.subscriber!.endpoint
            connector.connect(to: endpoint, options: options, queue: queue) { [unowned self] result in
                switch result {
                case .success(let connection): opened.fresh[index] = connection
                case .failure(let error):
                    opened.fresh[index] = DownConnection(endpoint: endpoint, queue: queue, error: error, client: connector.kind)
                }
                if opened.fresh.count == opened.expected { install(opened.fresh, in: slot) }
            }
        }
    }

    /// Replaces context `slot` with one on the fresh connections (and the old live ones). Contenders move
    /// to it when they next acquire; acquisitions in flight finish on the old one.
    func install(_ fresh: [Int: any RedisConnection], in slot: Int) {
        faults?.reopening.remove(slot)
        let old = contexts[slot]
        guard faults?.closed == false else {
            for connection in fresh.values { connection.close() }
            return
        }
        var connections = old.connections
        var subscriber = old.subscriber
        for (index, connection) in fresh {
            if index < connections.count { connections[index] = connection } else { subscriber = connection }
        }
        let seed = scenario.seed &+ UInt64(slot) &* 7919 &+ UInt64((faults?.reconnects ?? 0) + 1) &* 104_729
        // The spec was validated when the run opened its contexts, and every connection was made on this
        // lane's queue: the two things `init` checks.
        guard let context = try? LockContext(spec: scenario.lock, wheel: wheel, connections: connections, subscriber: subscriber, seed: seed) else {
            for connection in fresh.values { connection.close() }
            return
        }
        if scenario.lock.algorithm == .redlock {
            context.redlockObserver = { [unowned self] report in self.observeRedlock(report) }
        }
        for connection in old.connections where !connection.isOpen { connection.close() }
        if let dead = old.subscriber, !dead.isOpen { dead.close() }
        contexts[slot] = context
        faults?.reconnects += fresh.values.filter(\.isOpen).count
        retire(old)
    }

    /// Keeps `old` while its acquisitions finish; forgets retired contexts that have none left.
    func retire(_ old: LockContext) {
        guard var faults else { return }
        faults.retired.append(old)
        faults.retired.removeAll { context in
            guard context.pendingAcquisitions == 0 else { return false }
            faults.retiredCommands += context.counters.commands
            return true
        }
        self.faults = faults
    }

    /// Moves contender `i` to its slot's current context if it was reopened since its last acquisition.
    func adoptCurrentContext(_ i: Int) {
        let context = contexts[contenders[i].slot]
        guard contenders[i].locker.context !== context else { return }
        contenders[i].locker = context.makeLocker(clockOffsetMs: contenders[i].locker.clockOffsetMs)
    }

    /// Commands sent by contexts this lane has replaced (read on `queue`).
    func retiredCommands() -> Int {
        guard let faults else { return 0 }
        return faults.retiredCommands + faults.retired.reduce(0) { $0 + $1.counters.commands }
    }

    /// Cancels what retired contexts still have in flight (call on `queue` when closing the lane).
    func closeRetired() {
        faults?.closed = true
        for context in faults?.retired ?? [] { context.cancelAll() }
    }
}
