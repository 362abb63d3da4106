import Dispatch
import Foundation
import Locks
import RedisConnection
import RedisFleet
import TestSupport
import Testing
import ZooKeeperClient
#if canImport(Glibc)
import Glibc
#endif

@Suite("zk-recipe", .serialized)
struct ZooKeeperRecipeTests {
    @Test("many contenders on one key, on 1 server and on a 3-server ensemble: never two holders, czxid fences rise", arguments: [1, 3])
    func mutualExclusion(servers: Int) async throws {
        let ensemble = try await ZooKeeperEnsemble.start(servers: servers)
        defer { ensemble.stop() }
        let lanes = try await ZooKeeperLanes.open(ensemble, lanes: 4)
        let ledger = HolderLedger()
        let before = ZooKeeperServerStats.read(ensemble).compactMap { $0 }
        try await contend(await lanes.lockers(perLane: 5), key: uniqueKey(), rounds: 4, ledger: ledger)
        let after = ZooKeeperServerStats.read(ensemble).compactMap { $0 }
        await lanes.close()
        #expect(ledger.grants == 80)
        // No herd: a waiter wakes only when the contender just ahead of it leaves, so an acquisition is
        // at most the two parents, a create, a listing, a watch and a listing on the wake, plus one more
        // listing and watch when the one ahead left between the listing and the watch. Watching the
        // parent would wake all 19 waiters on every release and cost the last ones dozens of requests.
        #expect(ledger.mostRequests <= 8)
        // Each acquisition is at least a create and a listing, and each release a delete.
        let received = zip(after, before).map { $0.since($1).packetsReceived }.reduce(0, +)
        #expect(before.count == servers && received >= 80 * 3)
        #expect(after.allSatisfy { $0.cpuSeconds != nil })
        #expect(ledger.overlaps == 0)
        #expect(ledger.fencesStrictlyIncrease)
    }

    @Test("the same contender and attempt numbers on two lanes never name znodes alike (a lost create is found again by its name)")
    func znodeNamesAreTheSessions() async throws {
        let ensemble = try await ZooKeeperEnsemble.start(servers: 1)
        defer { ensemble.stop() }
        let lanes = try await ZooKeeperLanes.open(ensemble, lanes: 2)
        let lockers = await lanes.lockers(perLane: 1)
        #expect(lockers[0].id == lockers[1].id, "the lanes number their contenders alike")
        let key = uniqueKey()
        let held = try await lockers[0].mustAcquire(key, timeoutMs: 30_000, "lane 0's contender")
        let waiter = Task { await lockers[1].acquire(key: key, timeoutMs: 30_000) }
        #expect(await eventually { (try? await Self.children(of: key, on: ensemble).count) == 2 })
        let names = try await Self.children(of: key, on: ensemble)
        let prefixes = Set(names.map { String($0.prefix(upTo: $0.range(of: "-lock-")!.upperBound)) })
        #expect(prefixes.count == 2, "two sessions' znodes share a name prefix: \(names)")
        _ = await lockers[0].release(held)
        if let next = await waiter.value.grant { _ = await lockers[1].release(next) }
        await lanes.close()
    }

    @Test("contenders that joined in order get the lock in that order")
    func fifo() async throws {
        let ensemble = try await ZooKeeperEnsemble.start(servers: 1)
        defer { ensemble.stop() }
        let lanes = try await ZooKeeperLanes.open(ensemble, lanes: 3)
        let lockers = await lanes.lockers(perLane: 3)
        let key = uniqueKey()
        let first = try await lockers[0].mustAcquire(key, timeoutMs: 30_000, "the first contender")
        let order = Collector<UInt64>()
        let queueLength = { () async throws -> Int in try await Self.children(of: key, on: ensemble).count }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (position, locker) in lockers.dropFirst().enumerated() {
                group.addTask {
                    let grant = try await locker.mustAcquire(key, timeoutMs: 60_000, "contender \(locker.id)")
                    order.append(locker.id)
                    _ = await locker.release(grant)
                }
                // Join only once the previous contender's znode is in the queue.
                #expect(await eventually { (try? await queueLength()) == position + 2 })
            }
            _ = await lockers[0].release(first)
            try await group.waitForAll()
        }
        await lanes.close()
        #expect(order.items == lockers.dropFirst().map(\.id))
    }

    @Test("a waiter whose deadline passes withdraws its znode, and the queue moves on without it")
    func deadline() async throws {
        let ensemble = try await ZooKeeperEnsemble.start(servers: 1)
        defer { ensemble.stop() }
        let lanes = try await ZooKeeperLanes.open(ensemble, lanes: 2)
        let lockers = await lanes.lockers(perLane: 2)
        let key = uniqueKey()
        let held = try await lockers[0].mustAcquire(key, timeoutMs: 30_000, "the holder")
        let late = await lockers[1].acquire(key: key, timeoutMs: 300)
        guard case .timedOut = late else {
            Issue.record("a waiter behind a held lock ended \(late), not timed out")
            return
        }
        #expect(await eventually { (try? await Self.children(of: key, on: ensemble).count) == 1 })
        let next = Task { await lockers[2].acquire(key: key, timeoutMs: 30_000) }
        #expect(await eventually { (try? await Self.children(of: key, on: ensemble).count) == 2 })
        #expect(await lockers[0].release(held).outcome == .released)
        guard case .granted(let grant) = await next.value else {
            Issue.record("the contender after the withdrawn one got no grant")
            return
        }
        #expect(await lockers[2].release(grant).outcome == .released)
        await lanes.close()
    }

    @Test("a client paused past its session timeout loses its lock to the next contender, and its release says notOwner")
    func sessionExpiry() async throws {
        let ensemble = try await ZooKeeperEnsemble.start(servers: 1)
        defer { ensemble.stop() }
        let lanes = try await ZooKeeperLanes.open(ensemble, lanes: 2, ttlMs: 1_000)
        let lockers = await lanes.lockers(perLane: 1)
        let key = uniqueKey()
        let held = try await lockers[0].mustAcquire(key, timeoutMs: 30_000, "the holder")
        let timeoutMs = await lanes.contexts[0].onQueue { lanes.sessions[0].sessionTimeoutMs }
        #expect(timeoutMs == 1_000)
        // The holder's queue stops driving its ZooKeeper client: no pings for three session timeouts.
        lanes.contexts[0].queue.async { usleep(UInt32(timeoutMs) * 3_000) }
        let taken = try await lockers[1].mustAcquire(key, timeoutMs: 60_000, "the waiter after the holder's session expired")
        #expect((taken.fencingToken ?? 0) > (held.fencingToken ?? 0))
        #expect(await lockers[0].release(held).outcome == .notOwner)
        #expect(await lanes.contexts[0].onQueue { lanes.sessions[0].liveness.expired } == 1)
        // The lane carries on with a new session.
        let again = try await lockers[0].mustAcquire("\(key)-after", timeoutMs: 30_000, "the lane, on its new session")
        #expect(await lockers[0].release(again).outcome == .released)
        _ = await lockers[1].release(taken)
        await lanes.close()
    }

    @Test("grants go on after the leader of a 3-server ensemble is killed, with no double grant")
    func leaderKill() async throws {
        let ensemble = try await ZooKeeperEnsemble.start(servers: 3)
        defer { ensemble.stop() }
        let lanes = try await ZooKeeperLanes.open(ensemble, lanes: 3)
        let ledger = HolderLedger()
        let killed = Collector<Int>()
        try await contend(await lanes.lockers(perLane: 3), key: uniqueKey(), rounds: 6, ledger: ledger) { grants in
            // The fault goes in after the first grants, once.
            guard grants == 10, killed.count == 0, let leader = try? await ensemble.leaderIndex() else { return }
            killed.append(leader)
            ensemble.kill(server: leader)
        }
        var dropped = 0
        for (context, session) in zip(lanes.contexts, lanes.sessions) { dropped += await context.onQueue { session.liveness.missed } }
        await lanes.close()
        #expect(killed.count == 1)
        // Every client lost its server for the election: the followers drop their clients too.
        #expect(dropped >= lanes.sessions.count)
        #expect(ledger.grants == 54)
        #expect(ledger.overlaps == 0)
        #expect(ledger.fencesStrictlyIncrease)
    }

    @Test("cleanup deletes the run's lock directories and nothing else")
    func cleanup() async throws {
        let ensemble = try await ZooKeeperEnsemble.start(servers: 1)
        defer { ensemble.stop() }
        let lanes = try await ZooKeeperLanes.open(ensemble, lanes: 1)
        let locker = await lanes.lockers(perLane: 1)[0]
        for key in ["run:a:{x}/1", "run:a:{x}/2", "other:{x}"] {
            let grant = try await locker.mustAcquire(key, timeoutMs: 30_000, "contender")
            _ = await locker.release(grant)
        }
        await lanes.close()
        try await ZooKeeperConnector(endpoints: ensemble.clientEndpoints).cleanup(prefix: "run:a:")
        let left = try await Self.children(path: ZooKeeperLockPaths.root, on: ensemble)
        #expect(left == [ZooKeeperLockPaths.escape("other:{x}")])
    }

    @Test("keys become one znode name each: '/', '.', '%', control and non-ASCII bytes escaped, prefixes kept")
    func escaping() {
        #expect(ZooKeeperLockPaths.escape("run:{a}/b.c%d") == "run:{a}%2Fb%2Ec%25d")
        #expect(ZooKeeperLockPaths.escape("é\n") == "%C3%A9%0A")
        #expect(ZooKeeperLockPaths.escape("..") == "%2E%2E")
        let key = "p:/x", prefix = "p:/"
        #expect(ZooKeeperLockPaths.escape(key).hasPrefix(ZooKeeperLockPaths.escape(prefix)))
        #expect(ZooKeeperLockPaths.directory(for: key) == "/lockbench/p:%2Fx")
    }

    static func children(of key: String, on ensemble: ZooKeeperEnsemble) async throws -> [String] {
        try await children(path: ZooKeeperLockPaths.directory(for: key), on: ensemble)
    }

    static func children(path: String, on ensemble: ZooKeeperEnsemble) async throws -> [String] {
        let queue = DispatchQueue(label: "zk.test.inspect")
        let servers = ZooKeeperConnector(endpoints: ensemble.clientEndpoints).servers
        let connection = try await ZooKeeperConnection.connect(servers: servers, sessionTimeoutMs: 4_000, queue: queue)
        let result = await onQueue(queue) { done in
            connection.children(path) { result in
                connection.close()
                done(result)
            }
        }
        return try result.get()
    }
}
