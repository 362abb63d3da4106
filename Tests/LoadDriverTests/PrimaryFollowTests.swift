import Dispatch
import LoadDriver
import Locks
import RedisConnection
import Synchronization
import TestSupport
import Testing

/// A watch moved by hand: when a lane suspects the current primary, it reports a move to `next`.
final class ManualWatch: PrimaryWatch, Sendable {
    private struct State {
        var primary: Endpoint
        var next: Endpoint?
        var moved: (@Sendable (PrimaryMove) -> Void)?
        var suspects: [Endpoint] = []
    }
    private let state: Mutex<State>

    init(primary: Endpoint, next: Endpoint) { state = Mutex(State(primary: primary, next: next)) }

    var primary: Endpoint { state.withLock { $0.primary } }
    var suspects: [Endpoint] { state.withLock { $0.suspects } }

    func start(moved: @escaping @Sendable (PrimaryMove) -> Void) async { state.withLock { $0.moved = moved } }

    func suspect(_ endpoint: Endpoint) {
        let report = state.withLock { state -> (@Sendable (PrimaryMove) -> Void, PrimaryMove)? in
            state.suspects.append(endpoint)
            guard endpoint == state.primary, let next = state.next, let moved = state.moved else { return nil }
            state.primary = next
            state.next = nil
            return (moved, PrimaryMove(from: endpoint, to: next, atNanos: LockClock.monotonicNanos()))
        }
        if let (moved, move) = report { moved(move) }
    }

    func stop() { state.withLock { $0.moved = nil } }
}

/// Connects to the watch's current primary, whatever endpoint it is asked for.
struct FollowingConnector: RedisConnector {
    let base: any RedisConnector
    let watch: ManualWatch
    var kind: RedisClientKind { base.kind }

    func connect(to _: Endpoint, options: ConnectionOptions, queue: DispatchQueue,
                 completion: @escaping @Sendable (Result<any RedisConnection, RedisError>) -> Void) {
        base.connect(to: watch.primary, options: options, queue: queue, completion: completion)
    }
}

/// A run with a `PrimaryWatch` follows the primary: a demoted primary's `READONLY` makes the lanes
/// suspect it, the watch reports the move, and the lanes reopen on the new primary.
@Suite("following a moving primary", .serialized)
struct PrimaryFollowTests {
    @Test("a primary demoted under the run (READONLY) is suspected, and the run moves to the new one", arguments: allClients)
    func readOnlyMoves(_ client: RedisClientKind) async throws {
        try await withFleet(count: 2) { fleet in
            let (old, new) = (fleet.endpoints[0], fleet.endpoints[1])
            let watch = ManualWatch(primary: old, next: new)
            var scenario = Scenario(
                client: client, deployment: .standalone(.external([old])),
                lock: LockSpec(algorithm: .setnxPX, wait: .fixed(delay: 2), ttlMs: 500), contenders: 4, keys: 2,
                connections: 2, pipeline: 0, hold: .fixed(us: 1_000), think: .fixed(us: 0), mode: .closed, durationS: 120, warmupS: 0,
                requests: nil, seed: 7, queues: 2, acquireTimeoutMs: 1_000)
            scenario.eventLogCapacity = 100_000
            let run = LoadRun(scenario: scenario, connector: FollowingConnector(base: connector(client), watch: watch), endpoints: [old],
                              connectionOptions: ConnectionOptions(connectTimeoutMs: 1_000, commandTimeoutMs: 5_000), keyPrefix: uniquePrefix(),
                              primaryWatch: watch)
            let task = Task { try await run.run() }
            let before = await run.waitForGrant(after: 0, boundMs: 20_000)
            guard case .tcp(let host, let port) = new else { Issue.record("TCP fleet expected"); return }
            let demotedAt = LockClock.monotonicNanos()
            _ = try probeCommands([["REPLICAOF", host, String(port)]], at: old)
            let after = await run.waitForGrant(after: demotedAt, boundMs: 20_000)
            run.interrupt(reason: "test done")
            let outcome = try await task.value
            #expect(before != nil && after != nil, "grants before and after the demotion")
            #expect(watch.suspects.contains(old), "READONLY should make the lanes suspect \(old): \(watch.suspects)")
            // On an acquire or on a release, whichever reached the demoted primary first.
            #expect(outcome.recorder.errors.contains { $0.key.hasSuffix("server error READONLY") }, "\(outcome.recorder.errors)")
            #expect(outcome.failovers.count == 1 && outcome.failovers.first?.to == new, "\(outcome.failovers)")
            #expect(outcome.failovers.first?.firstGrantAfterMs != nil)
            #expect(outcome.fatalError == nil)
        }
    }
}
