import Dispatch
import Foundation
import Locks
import RedisConnection
import RedisFleet
import Synchronization
import Testing
import ZooKeeperClient

/// Lanes of `zk-recipe`: one queue, wheel, ZooKeeper session and lock context each, as the driver makes them.
struct ZooKeeperLanes: Sendable {
    let contexts: [LockContext]
    let sessions: [ZooKeeperLockSession]

    static func open(_ ensemble: ZooKeeperEnsemble, lanes: Int, ttlMs: Int = 4_000) async throws -> ZooKeeperLanes {
        let spec = LockSpec(algorithm: .zkRecipe, wait: .watch, ttlMs: ttlMs)
        let connector = ZooKeeperConnector(endpoints: ensemble.clientEndpoints)
        var contexts: [LockContext] = []
        var sessions: [ZooKeeperLockSession] = []
        for lane in 0..<lanes {
            let wheel = TimerWheel(queue: DispatchQueue(label: "lockbench.test.zk.\(lane)"))
            let session = try #require(try await connector.open(spec: spec, queue: wheel.queue) as? ZooKeeperLockSession)
            sessions.append(session)
            contexts.append(try LockContext(spec: spec, wheel: wheel, connections: [], seed: UInt64(lane), store: session))
        }
        return ZooKeeperLanes(contexts: contexts, sessions: sessions)
    }

    func lockers(perLane: Int) async -> [Locker] {
        var lockers: [Locker] = []
        for context in contexts {
            for _ in 0..<perLane { lockers.append(await context.onQueue { context.makeLocker() }) }
        }
        return lockers
    }

    func close() async {
        for context in contexts {
            await context.onQueue {
                context.close()
                context.wheel.invalidate()
            }
        }
    }
}

/// Who holds each key right now, every overlap, and each key's fencing tokens in grant order.
final class HolderLedger: Sendable {
    private struct State {
        var holders: [String: Int] = [:]
        var overlaps = 0
        var fences: [String: [Int64]] = [:]
        var grants = 0
        var mostRequests = 0
    }
    private let state = Mutex(State())

    func granted(_ grant: LockGrant) {
        state.withLock { state in
            state.holders[grant.key, default: 0] += 1
            if state.holders[grant.key]! > 1 { state.overlaps += 1 }
            state.fences[grant.key, default: []].append(grant.fencingToken ?? -1)
            state.grants += 1
            state.mostRequests = max(state.mostRequests, grant.commands)
        }
    }

    func releasing(_ grant: LockGrant) {
        state.withLock { $0.holders[grant.key, default: 0] -= 1 }
    }

    var overlaps: Int { state.withLock { $0.overlaps } }
    var grants: Int { state.withLock { $0.grants } }
    /// The most store requests one acquisition needed.
    var mostRequests: Int { state.withLock { $0.mostRequests } }

    /// Whether every key's tokens rose strictly in grant order.
    var fencesStrictlyIncrease: Bool {
        state.withLock { state in
            state.fences.values.allSatisfy { fences in zip(fences, fences.dropFirst()).allSatisfy { $0 < $1 } }
        }
    }
}

/// Each locker takes and gives back `key` `rounds` times; every grant goes through the ledger.
func contend(_ lockers: [Locker], key: String, rounds: Int, ledger: HolderLedger, onGrant: (@Sendable (Int) async -> Void)? = nil) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for locker in lockers {
            group.addTask {
                for _ in 0..<rounds {
                    let outcome = await locker.acquire(key: key, timeoutMs: 60_000)
                    guard case .granted(let grant) = outcome else {
                        Issue.record("contender \(locker.id) on \(key): \(outcome)")
                        return
                    }
                    ledger.granted(grant)
                    await onGrant?(ledger.grants)
                    try await Task.sleep(nanoseconds: 1_000_000)
                    ledger.releasing(grant)
                    let report = await locker.release(grant)
                    #expect(report.outcome == .released, "release by \(locker.id) on \(key)")
                }
            }
        }
        try await group.waitForAll()
    }
}

func uniqueKey(_ name: String = #function) -> String {
    "lockbench:test:\(name.prefix(while: { $0 != "(" })):\(UInt64.random(in: 0...UInt64.max)):{k}/1"
}

/// An acquisition that should have been granted and was not.
struct NoGrant: Error, CustomStringConvertible {
    let description: String
}

extension Locker {
    /// Acquires `key` or throws saying who (`role`) got what instead.
    func mustAcquire(_ key: String, timeoutMs: Int = 30_000, _ role: String) async throws -> LockGrant {
        let outcome = await acquire(key: key, timeoutMs: timeoutMs)
        guard case .granted(let grant) = outcome else { throw NoGrant(description: "\(role) (\(id)) on \(key): \(outcome)") }
        return grant
    }
}
