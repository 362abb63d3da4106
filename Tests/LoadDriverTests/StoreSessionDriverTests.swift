import BenchMetrics
import Dispatch
import LoadDriver
import Locks
import RedisConnection
import Synchronization
import TestSupport
import Testing

/// The driver's side of the store seam, without a server: a FIFO lock per key held in this process,
/// so the test sees exactly which sessions the driver opened, on which queues, and that it closed them.
/// (The stores themselves are tested against real etcd and ZooKeeper processes in their own suites.)
final class InProcessStore: LockStoreConnector, @unchecked Sendable {
    // @unchecked: every mutable member sits behind `state`.
    struct Waiter: @unchecked Sendable {
        // @unchecked: the completion is only ever called on `queue`.
        var queue: DispatchQueue
        var claim: StoreClaim
        var completion: (StoreAcquireResult) -> Void
    }

    struct State {
        var holders: [String: String] = [:]
        var waiters: [String: [Waiter]] = [:]
        var fence: Int64 = 0
        var opened = 0
        var closed = 0
        var cleaned: [String] = []
    }

    let state = Mutex(State())
    var kind: LockStoreKind { .etcd }
    /// A broken store: grants every acquisition at once, holder or not, the claim with fence `f` certainly
    /// alive for `validForNanos(f)` from its grant (negative: its lease had already lapsed).
    let grantsEveryoneValidForNanos: (@Sendable (Int64) -> Int64)?

    init(grantsEveryoneValidForNanos: (@Sendable (Int64) -> Int64)? = nil) {
        self.grantsEveryoneValidForNanos = grantsEveryoneValidForNanos
    }

    func open(spec: LockSpec, queue: DispatchQueue) async throws -> any LockStoreSession {
        state.withLock { $0.opened += 1 }
        return Session(store: self, queue: queue)
    }

    func cleanup(prefix: String) async throws { state.withLock { $0.cleaned.append(prefix) } }

    final class Session: LockStoreSession, @unchecked Sendable {
        // @unchecked: `grants` is touched only on `queue`; the shared lock table is the store's Mutex.
        let store: InProcessStore
        let queue: DispatchQueue
        var grants = 0
        var endpointDescription: String { "in-process store" }

        init(store: InProcessStore, queue: DispatchQueue) {
            self.store = store
            self.queue = queue
        }

        func acquire(key: String, contender: UInt64, deadlineNanos: UInt64?, completion: @escaping (StoreAcquireResult) -> Void) {
            dispatchPrecondition(condition: .onQueue(queue))
            grants += 1
            let granted: StoreClaim? = store.state.withLock { s in
                s.fence += 1
                if let validFor = store.grantsEveryoneValidForNanos {
                    let until = Int64(LockClock.monotonicNanos()) + validFor(s.fence)
                    return StoreClaim(token: "\(key)/\(s.fence)", fence: s.fence, requests: 1, validUntilNanos: UInt64(max(0, until)))
                }
                let claim = StoreClaim(token: "\(key)/\(s.fence)", fence: s.fence, requests: 1)
                guard s.holders[key] == nil else {
                    s.waiters[key, default: []].append(Waiter(queue: queue, claim: claim, completion: completion))
                    return nil
                }
                s.holders[key] = claim.token
                return claim
            }
            if let granted {
                let box = UncheckedBox(completion)
                queue.async { box.value(.granted(granted)) }
            }
        }

        func release(key: String, claim: StoreClaim, completion: @escaping (StoreReleaseResult) -> Void) {
            dispatchPrecondition(condition: .onQueue(queue))
            let (owned, next): (Bool, Waiter?) = store.state.withLock { s in
                if store.grantsEveryoneValidForNanos != nil { return (true, nil) }
                guard s.holders[key] == claim.token else { return (false, nil) }
                guard var queued = s.waiters[key], !queued.isEmpty else {
                    s.holders[key] = nil
                    return (true, nil)
                }
                let next = queued.removeFirst()
                s.waiters[key] = queued
                s.holders[key] = next.claim.token
                return (true, next)
            }
            if let next {
                let box = UncheckedBox(next)
                next.queue.async { box.value.completion(.granted(box.value.claim)) }
            }
            let done = UncheckedBox(completion)
            queue.async { done.value(owned ? .released : .notOwner) }
        }

        var liveness: StoreLiveness {
            var liveness = StoreLiveness()
            liveness.renewals = grants
            return liveness
        }

        func close() { store.state.withLock { $0.closed += 1 } }
    }
}

struct UncheckedBox<T>: @unchecked Sendable {
    // @unchecked: handed to the one queue that uses it.
    var value: T
    init(_ value: T) { self.value = value }
}

@Suite("Driver over a store session")
struct StoreSessionDriverTests {
    @Test("one session per lock context, grants with fencing tokens, liveness summed, every session closed")
    func sessions() async throws {
        let store = InProcessStore()
        let lock = LockSpec(algorithm: .etcdMutex, wait: .watch, ttlMs: 10_000)
        let scenario = Scenario(
            client: .native, deployment: .etcd(.external([.tcp(host: "127.0.0.1", port: 1)])), lock: lock,
            contenders: 20, keys: 4, connections: 4, pipeline: 0, hold: .fixed(us: 200), think: .fixed(us: 0), mode: .closed,
            durationS: 1, warmupS: 0, requests: 400, seed: 3, queues: 2, acquireTimeoutMs: 20_000)
        let run = LoadRun(
            scenario: scenario, connector: NoRedis(), endpoints: [.tcp(host: "127.0.0.1", port: 1)], connectionOptions: ConnectionOptions(),
            keyPrefix: "t:", store: StoreRunTarget(connector: store, stats: nil))
        let outcome = try await run.run()
        #expect(outcome.fatalError == nil)
        #expect(outcome.recorder.acquisitions > 0)
        #expect(outcome.recorder.safety.mutexOverlaps == 0 && outcome.recorder.safety.staleWritesRejected == 0)
        #expect(outcome.storeLiveness?.renewals ?? 0 >= outcome.recorder.acquisitions)
        // Closing is posted to the lanes' queues as the run returns.
        _ = await eventually(boundSeconds: 20) { store.state.withLock { $0.closed } >= 4 }
        let (opened, closed) = store.state.withLock { ($0.opened, $0.closed) }
        #expect(opened == 4 && closed == 4, "opened \(opened), closed \(closed)")
    }
}

extension StoreSessionDriverTests {
    /// One key, four contenders, 5 ms holds on a store that grants everyone at once.
    func brokenStoreRun(validForNanos: @escaping @Sendable (Int64) -> Int64) async throws -> QueueRecorder {
        let store = InProcessStore(grantsEveryoneValidForNanos: validForNanos)
        let scenario = Scenario(
            client: .native, deployment: .etcd(.external([.tcp(host: "127.0.0.1", port: 1)])),
            lock: LockSpec(algorithm: .etcdMutex, wait: .watch, ttlMs: 10_000),
            contenders: 4, keys: 1, connections: 1, pipeline: 0, hold: .fixed(us: 5_000), think: .fixed(us: 0), mode: .closed,
            durationS: 1, warmupS: 0, requests: 200, seed: 3, queues: 1, acquireTimeoutMs: 20_000)
        let run = LoadRun(
            scenario: scenario, connector: NoRedis(), endpoints: [.tcp(host: "127.0.0.1", port: 1)], connectionOptions: ConnectionOptions(),
            keyPrefix: "t:", store: StoreRunTarget(connector: store, stats: nil))
        return try await run.run().recorder
    }

    @Test("a store that grants a held key again is caught: double grants while both leases are alive, only overlaps once the entrant's lapsed")
    func doubleGrantsNeedLiveLeases() async throws {
        let alive = try await brokenStoreRun { _ in 10_000_000_000 }
        #expect(alive.safety.mutexOverlaps > 0)
        #expect(alive.safety.doubleGrants > 0)
        // The first holder's lease is alive (and outlives the run); every later claim's had lapsed.
        let lapsed = try await brokenStoreRun { fence in fence == 1 ? 60_000_000_000 : -1_000_000 }
        #expect(lapsed.safety.mutexOverlaps > 0)
        #expect(lapsed.safety.doubleGrants == 0, "an entrant whose own lease had lapsed holds a lock it lost; the store did not grant twice")
    }
}

/// A connector that must not be used: a store run opens no Redis connection.
struct NoRedis: RedisConnector {
    var kind: RedisClientKind { .native }
    func connect(
        to endpoint: Endpoint, options: ConnectionOptions, queue: DispatchQueue,
        completion: @escaping @Sendable (Result<any RedisConnection, RedisError>) -> Void
    ) {
        Issue.record("a store run opened a Redis connection to \(endpoint)")
        completion(.failure(RedisError(.connectionClosed, endpoint: "\(endpoint)", detail: "no Redis in a store run")))
    }
}
