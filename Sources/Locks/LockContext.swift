import Dispatch
import RESP
import RedisConnection

/// Everything the lock layer keeps per serial queue: the queue, its timer wheel, the connections, one
/// shared subscriber, the seeded generator for tokens and jitter, and the counters.
///
/// The driver makes one per queue (about one per core) and one `Locker` per contender from it. Every
/// method, and every completion, runs on `queue`; the async wrappers on `Locker` hop onto it.
public final class LockContext: @unchecked Sendable {
    // @unchecked: every mutable member is touched only on `queue` (all entry points are documented as
    // queue-confined and checked with `dispatchPrecondition` in debug builds; completions of the
    // connections and the wheel run on `queue` because they were made on it).

    /// The serial queue that owns the connections, the wheel and every lock operation.
    public let queue: DispatchQueue
    /// The timer wheel all waits go through.
    public let wheel: TimerWheel
    public let spec: LockSpec
    /// Command connections: one, or one per Redlock master (in node order).
    public let connections: [any RedisConnection]
    /// The subscriber connection for `pubsub`/`fifo`, shared by every waiter on this queue.
    public let subscriber: (any RedisConnection)?
    /// The consensus store's session for `etcd-*` and `zk-*` algorithms (which have no command connection).
    public let store: (any LockStoreSession)?
    /// Client-side counts (read on `queue`).
    public internal(set) var counters = LockCounters()

    /// Called on `queue` with every Redlock attempt's report, granted or not (for TTL-budget histograms).
    public var redlockObserver: ((RedlockAttemptReport) -> Void)?

    /// Fault injection for `naive-getdel`: called on `queue` between the `GET` that saw our token and the
    /// delete, with the key and a `proceed` closure (callable from any thread) that sends the delete.
    /// Lets a test make the key expire and be re-acquired exactly inside the race window.
    public var beforeNaiveDelete: ((_ key: String, _ proceed: @escaping @Sendable () -> Void) -> Void)?

    /// Fault injection for `legacy-getset`: called on `queue` after the `GET` that found the lock expired
    /// and before the `GETSET`, with the key and a `proceed` closure (callable from any thread) that
    /// sends it. Lets a test have another contender take over exactly inside that window.
    public var beforeLegacyGetset: ((_ key: String, _ proceed: @escaping @Sendable () -> Void) -> Void)?

    var tokens: LockTokenSource
    var rng: SplitMix64
    var nextID: UInt64 = 1
    var active = ActiveOperations()
    /// `*6 SET` and `NX PX <ttl>`, encoded once for every `SET` the context sends.
    let setNX: SetCommand.Encoded
    /// The script a script-released lock's release runs (it depends on the wait strategy).
    let releaseCall: ScriptCall
    let fencedAcquireCall = ScriptCall(LockScripts.fencedAcquire, keys: 2, args: 2)
    /// The algorithm's commands.
    let algorithm: any LockAlgorithm
    lazy var hub: PubSubHub? = subscriber.map { PubSubHub(context: self, connection: $0) }
    /// Set when the connections route over shards (a cluster): Redlock's nodes are then keys placed on
    /// different primaries (`RedlockPlacement.swift`).
    let shards: (any ShardedConnection)?
    var redlockKeys: [String: [String]] = [:]

    /// Makes a context from ready connections, all made on `wheel.queue`.
    ///
    /// - Parameters:
    ///   - spec: validated here.
    ///   - wheel: the queue's timer wheel; its queue is the context's queue.
    ///   - connections: `spec.commandConnections` of them (Redlock: one per master, node order).
    ///   - subscriber: required for `pubsub` and `fifo`; a connection used for nothing else.
    ///   - seed: seeds backoff jitter and Redlock retry delays (tokens stay unique whatever the seed).
    ///   - store: the session a consensus store's algorithm runs over, made on `wheel.queue`.
    public init(
        spec: LockSpec, wheel: TimerWheel, connections: [any RedisConnection],
        subscriber: (any RedisConnection)? = nil, seed: UInt64, store: (any LockStoreSession)? = nil
    ) throws(LockSetupError) {
        do { try spec.validate() } catch { throw LockSetupError(reason: error.description) }
        guard connections.count == spec.commandConnections else {
            throw LockSetupError(reason: "\(spec.algorithm) needs \(spec.commandConnections) command connection(s), got \(connections.count)")
        }
        let queue = wheel.queue
        for connection in connections + (subscriber.map { [$0] } ?? []) where connection.queue !== queue {
            throw LockSetupError(reason: "connection to \(connection.endpoint) runs on another queue; make every connection of a context on its wheel's queue")
        }
        if spec.algorithm.store != .redis {
            guard let store else {
                throw LockSetupError(reason: "\(spec.algorithm) runs on \(spec.algorithm.store): give the context a store session")
            }
            guard store.queue === queue else {
                throw LockSetupError(reason: "the store session for \(store.endpointDescription) runs on another queue; make it on the wheel's queue")
            }
        }
        if spec.needsSubscriber && subscriber == nil {
            throw LockSetupError(reason: "wait '\(spec.wait.kind)' needs a subscriber connection")
        }
        self.queue = queue
        self.wheel = wheel
        self.spec = spec
        self.connections = connections
        self.subscriber = subscriber
        self.store = store
        self.shards = connections.first as? any ShardedConnection
        if spec.algorithm == .redlock, let shards, shards.shardCount < spec.redlock.nodes {
            throw LockSetupError(reason: "redlock with \(spec.redlock.nodes) nodes needs that many cluster primaries; the cluster has \(shards.shardCount)")
        }
        self.setNX = SetCommand.encoded(.nx, .px(spec.ttlMs))
        self.releaseCall = ReleaseOperation.scriptCall(spec)
        self.algorithm = spec.algorithm.implementation
        self.tokens = LockTokenSource(seed: seed)
        self.rng = SplitMix64(seed: seed)
    }

    /// Opens the connections a spec needs with `connector` (one per endpoint for Redlock, else the first
    /// endpoint; plus a subscriber for `pubsub`/`fifo`), all on `wheel.queue`, then loads the scripts.
    public static func open(
        spec: LockSpec, connector: any RedisConnector, endpoints: [Endpoint], wheel: TimerWheel,
        seed: UInt64, options: ConnectionOptions = ConnectionOptions()
    ) async throws -> LockContext {
        try spec.validate()
        guard endpoints.count >= spec.commandConnections else {
            throw LockSetupError(reason: "\(spec.algorithm) needs \(spec.commandConnections) endpoint(s), got \(endpoints.count)")
        }
        var opened: [any RedisConnection] = []
        do {
            for endpoint in endpoints.prefix(spec.commandConnections) {
                opened.append(try await connector.connect(to: endpoint, options: options, queue: wheel.queue))
            }
            var subscriber: (any RedisConnection)?
            if spec.needsSubscriber {
                subscriber = try await connector.connect(to: endpoints[0], options: options, queue: wheel.queue)
                opened.append(subscriber!)
            }
            let context = try LockContext(
                spec: spec, wheel: wheel, connections: Array(opened.prefix(spec.commandConnections)),
                subscriber: subscriber, seed: seed)
            _ = await context.prepare()
            return context
        } catch {
            for connection in opened { connection.close() }
            throw error
        }
    }

    /// Loads every script on every command connection with `SCRIPT LOAD` and checks the server's SHA-1
    /// against ours. Optional (EVALSHA falls back to EVAL), but keeps `NOSCRIPT` out of measurements.
    /// Completes on `queue` with the failures (a Redlock node that is down is not fatal).
    public func prepare(completion: @escaping ([LockFailure]) -> Void) {
        final class Tally: @unchecked Sendable {
            // @unchecked: touched only on the context's queue (every reply handler runs there).
            var failures: [LockFailure] = []
            var remaining = 0
        }
        let done = QueueConfined(value: completion)
        let tally = Tally()
        queue.async {
            tally.remaining = self.connections.count * LockScripts.all.count
            if tally.remaining == 0 { done.value([]); return }
            for connection in self.connections {
                for script in LockScripts.all {
                    let operation = "SCRIPT LOAD \(script.name) on \(connection.endpoint)"
                    connection.send(["SCRIPT", "LOAD", .string(script.source)]) { reply in
                        if let failure = LockFailure.from(reply, operation: operation) {
                            tally.failures.append(failure)
                        } else if case .success(let value) = reply, value.string != script.sha1 {
                            tally.failures.append(LockFailure(.unexpectedReply, operation: operation,
                                detail: "server SHA-1 \(value.string ?? "?") differs from ours \(script.sha1)"))
                        }
                        tally.remaining -= 1
                        if tally.remaining == 0 { done.value(tally.failures) }
                    }
                }
            }
        }
    }

    /// `prepare` for async callers.
    public func prepare() async -> [LockFailure] {
        await withCheckedContinuation { continuation in
            prepare { continuation.resume(returning: $0) }
        }
    }

    /// A new contender. `clockOffsetMs` skews its wall clock (legacy-getset only judges expiry by it).
    /// Call on `queue`, or before the context is shared.
    public func makeLocker(clockOffsetMs: Int64 = 0) -> Locker {
        let id = nextID
        nextID &+= 1
        return Locker(context: self, id: id, clockOffsetMs: clockOffsetMs)
    }

    /// Acquisitions in progress (read on `queue`).
    public var pendingAcquisitions: Int { active.count }

    /// `pubsub`/`fifo` waiters parked on a confirmed subscription, waiting for a message (read on `queue`).
    public var parkedWaiters: Int {
        guard subscriber != nil, let hub else { return 0 }
        return hub.channels.values.reduce(0) { $0 + ($1.state == .subscribed ? $1.registered + $1.byToken.count : 0) }
    }

    /// One line per acquisition in progress, saying what it waits for (read on `queue`): for diagnosing
    /// a run that does not finish.
    public var pendingDescriptions: [String] {
        active.operations.sorted { $0.id < $1.id }.map { $0.debugDescription }
    }

    /// Ends every acquisition in progress with `.failed(.cancelled)` (FIFO tickets are withdrawn, best
    /// effort). Call on `queue`.
    public func cancelAll() {
        assertOnQueue()
        for operation in active.operations { operation.cancel() }
    }

    /// Cancels everything and closes every connection and the store session. Call on `queue`. The wheel stays the caller's.
    public func close() {
        assertOnQueue()
        cancelAll()
        for connection in connections { connection.close() }
        subscriber?.close()
        store?.close()
    }

    /// Runs `body` on `queue` and returns its result, for tests and setup code off the queue.
    public func onQueue<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: body()) }
        }
    }

    // MARK: Internals

    enum Purpose { case acquire, release, extend }

    @inline(__always)
    func assertOnQueue() {
        #if DEBUG
        dispatchPrecondition(condition: .onQueue(queue))
        #endif
    }

    func newToken() -> String { tokens.next() }

    func makeID() -> UInt64 {
        let id = nextID
        nextID &+= 1
        return id
    }

    func count(_ purpose: Purpose, _ operation: LockOperation?) {
        counters.commands += 1
        operation?.commands += 1
        switch purpose {
        case .acquire: counters.acquireCommands += 1
        case .release: counters.releaseCommands += 1
        case .extend: counters.extendCommands += 1
        }
    }

    /// Sends one command, counting it; `handler` runs on `queue`.
    func send(
        _ connection: any RedisConnection, _ command: [RedisArgument], _ purpose: Purpose, _ operation: LockOperation?,
        _ handler: @escaping (RedisReply) -> Void
    ) {
        count(purpose, operation)
        let box = QueueConfined(value: handler)
        connection.send(command) { box.value($0) }
    }

    /// Sends a batch in one write, counting each; `handler` runs once with every reply, in order.
    func send(
        _ connection: any RedisConnection, batch: [[RedisArgument]], _ purpose: Purpose, _ operation: LockOperation?,
        _ handler: @escaping ([RedisReply]) -> Void
    ) {
        for _ in batch { count(purpose, operation) }
        let box = QueueConfined(value: handler)
        let collected = QueueConfined(value: ReplyCollector(count: batch.count))
        connection.send(batch: batch) { index, reply in
            if collected.value.set(index, reply) { box.value(collected.value.replies.map { $0! }) }
        }
    }

    /// Runs a script as `EVALSHA`, re-sending it as `EVAL` when the server answers `NOSCRIPT`.
    func eval(
        _ connection: any RedisConnection, _ script: LockScript, keys: [String], args: [RedisArgument],
        _ purpose: Purpose, _ operation: LockOperation?, _ handler: @escaping (RedisReply) -> Void
    ) {
        var tail: [RedisArgument] = [.integer(Int64(keys.count))]
        tail.reserveCapacity(1 + keys.count + args.count)
        for key in keys { tail.append(.string(key)) }
        tail.append(contentsOf: args)
        send(connection, ["EVALSHA", .string(script.sha1)] + tail, purpose, operation) { [self] reply in
            if LockScripts.isNoScript(reply) {
                counters.scriptFallbacks += 1
                send(connection, ["EVAL", .string(script.source)] + tail, purpose, operation, handler)
                return
            }
            handler(reply)
        }
    }
}
