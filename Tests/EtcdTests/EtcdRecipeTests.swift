import Dispatch
import EtcdClient
import Locks
import RedisConnection
import RedisFleet
import Testing

/// Both etcd recipes through `LockContext` and `Locker`, against real etcd members the tests start.
@Suite("etcd recipes", .serialized)
struct EtcdRecipeTests {
    static let algorithms: [LockAlgorithmKind] = [.etcdMutex, .etcdLockRPC]

    @Test("many contenders on one key: no overlap, fences strictly increasing", arguments: algorithms, [1, 3])
    func exclusion(algorithm: LockAlgorithmKind, members: Int) async throws {
        let etcd = try await EtcdFixture.start(members: members, algorithm: algorithm, lanes: ["a", "b"])
        defer { etcd.stop() }
        let book = HolderBook()
        let totals = try await hammer(lanes: etcd.lanes, contendersPerLane: 5, rounds: 4, key: "test:excl:\(algorithm)", book: book)
        #expect(await book.grants == 40)
        #expect(await book.overlaps == 0)
        #expect(await book.fenceRegressions == 0)
        #expect(await book.fences["test:excl:\(algorithm)"]?.count == 40)
        #expect(totals.timeouts == 0)
        try await etcd.connector.cleanup(prefix: "test:excl:")
    }

    @Test("150 waiters on one session are all served: their watches share one stream, not 150 of the connection's 100")
    func manyWaitersOneSession() async throws {
        let etcd = try await EtcdFixture.start(members: 1, algorithm: .etcdMutex, lanes: ["many"])
        defer { etcd.stop() }
        let book = HolderBook()
        let totals = try await hammer(lanes: etcd.lanes, contendersPerLane: 150, rounds: 1, key: "test:many", book: book)
        #expect(await book.grants == 150)
        #expect(await book.overlaps == 0)
        #expect(totals.timeouts == 0 && totals.failures == 0)
    }

    @Test("etcd-mutex is FIFO: contenders that queued in order are granted in that order")
    func fifo() async throws {
        let etcd = try await EtcdFixture.start(members: 1, algorithm: .etcdMutex, lanes: ["fifo"])
        defer { etcd.stop() }
        let lane = etcd.lanes[0]
        let key = "test:fifo"
        let first = await lane.makeLocker()
        let held = try #require(await first.acquire(key: key, timeoutMs: 30_000).grant)
        let order = GrantOrder()
        let probe = try EtcdConnection(endpoints: etcd.cluster.clientEndpoints)
        defer { probe.close() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<6 {
                let locker = await lane.makeLocker()
                group.addTask {
                    let grant = try #require(await locker.acquire(key: key, timeoutMs: 60_000).grant)
                    await order.append(index)
                    _ = await locker.release(grant)
                }
                // The next contender starts only once this one's key is in the queue (holder + index + 1 keys).
                try await waitForKeys(under: key, count: index + 2, on: probe)
            }
            _ = await first.release(held)
            try await group.waitForAll()
        }
        #expect(await order.indices == Array(0..<6))
    }

    @Test("a client stalled past its lease TTL loses the lock to the next contender, whose fence is higher", arguments: algorithms)
    func leaseExpiry(algorithm: LockAlgorithmKind) async throws {
        // 2 s is etcd's minimum TTL with the default 1 s election timeout.
        let etcd = try await EtcdFixture.start(members: 1, algorithm: algorithm, ttlMs: 2_000, lanes: ["stalled", "next"])
        defer { etcd.stop() }
        let (stalled, next) = (etcd.lanes[0], etcd.lanes[1])
        let key = "test:expiry:\(algorithm)"
        let staleLocker = await stalled.makeLocker()
        let stale = try #require(await staleLocker.acquire(key: key, timeoutMs: 30_000).grant)
        // One keep-alive answered first, so the stall below interrupts a working renewal schedule.
        for _ in 0..<100 where await stalled.liveness.renewals == 0 {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(await stalled.liveness.renewals >= 1)
        // The stall: the lane's queue is blocked, as a paused client's threads are, so its keep-alives
        // stop going out. It lasts until the other contender is granted.
        let gate = DispatchSemaphore(value: 0)
        stalled.queue.async { gate.wait() }
        let successor = await next.makeLocker().acquire(key: key, timeoutMs: 60_000)
        gate.signal()
        let fresh = try #require(successor.grant, "the next contender was not granted after the stalled lease expired: \(successor)")
        #expect(try #require(fresh.fencingToken) > #require(stale.fencingToken))
        // The witness dates the stale claim's validity from its lease's last confirmed renewal: the
        // successor came after it, so this is an overlap the lease allowed, not a double grant.
        #expect(stale.validUntilNanos(algorithm: algorithm) <= fresh.grantedAtNanos)
        let release = await staleLocker.release(stale)
        #expect(release.outcome == .notOwner)
        var liveness = await stalled.liveness
        for _ in 0..<100 where liveness.expired == 0 {
            try await Task.sleep(for: .milliseconds(100))
            liveness = await stalled.liveness
        }
        #expect(liveness.expired >= 1)
        #expect(liveness.late >= 1)
    }

    @Test("an acquisition that times out withdraws its claim: nothing of it is left to block the next holder", arguments: algorithms)
    func timeoutWithdraws(algorithm: LockAlgorithmKind) async throws {
        let etcd = try await EtcdFixture.start(members: 1, algorithm: algorithm, lanes: ["timeout"])
        defer { etcd.stop() }
        let lane = etcd.lanes[0]
        let probe = try EtcdConnection(endpoints: etcd.cluster.clientEndpoints)
        defer { probe.close() }
        let key = "test:timeout:\(algorithm)"
        let holder = await lane.makeLocker()
        let held = try #require(await holder.acquire(key: key, timeoutMs: 30_000).grant)
        let waiter = await lane.makeLocker()
        let waited = await waiter.acquire(key: key, timeoutMs: 300)
        guard case .timedOut = waited else {
            Issue.record("expected a timeout while the lock was held, got \(waited)")
            return
        }
        // The withdrawal runs in the background (the acquisition ends at its deadline, not after a delete).
        var left = try await probe.countKeys(withPrefix: key + "/")
        for _ in 0..<250 where left != 1 {
            try await Task.sleep(for: .milliseconds(20))
            left = try await probe.countKeys(withPrefix: key + "/")
        }
        #expect(left == 1, "only the holder's key is left")
        _ = await holder.release(held)
        let next = await waiter.acquire(key: key, timeoutMs: 30_000)
        #expect(next.grant != nil)
    }

    @Test("etcd-mutex never names two claims alike: a delete of a released claim that lands late leaves the holder's next claim")
    func lateDeleteLeavesNextClaim() async throws {
        let etcd = try await EtcdFixture.start(members: 1, algorithm: .etcdMutex, lanes: ["late"])
        defer { etcd.stop() }
        let lane = etcd.lanes[0]
        let probe = try EtcdConnection(endpoints: etcd.cluster.clientEndpoints)
        defer { probe.close() }
        let key = "test:late-delete"
        let holder = await lane.makeLocker()
        let first = try #require(await holder.acquire(key: key, timeoutMs: 30_000).grant)
        #expect(await holder.release(first).outcome == .released)
        let second = try #require(await holder.acquire(key: key, timeoutMs: 30_000).grant)
        #expect(second.token != first.token)
        // What a release whose answer was lost looks like when etcd applies it after all: the first
        // claim's delete, landing while the same contender holds again.
        #expect(try await probe.deleteKey(first.token) == 0)
        #expect(try await probe.countKeys(withPrefix: key + "/") == 1, "the holder's second claim is still there")
        let waiter = await lane.makeLocker()
        let waited = await waiter.acquire(key: key, timeoutMs: 300)
        guard case .timedOut = waited else {
            Issue.record("the lock was granted to a waiter while its holder held it: \(waited)")
            return
        }
        #expect(await holder.release(second).outcome == .released)
    }

    @Test("leader killed in a 3-member cluster: grants go on, never two holders", arguments: algorithms)
    func leaderKill(algorithm: LockAlgorithmKind) async throws {
        let etcd = try await EtcdFixture.start(members: 3, algorithm: algorithm, lanes: ["k1", "k2"])
        defer { etcd.stop() }
        let cluster = etcd.cluster
        let book = HolderBook()
        let killed = KilledLeader()
        _ = try await hammer(lanes: etcd.lanes, contendersPerLane: 3, rounds: 6, key: "test:kill:\(algorithm)", book: book) {
            // An election may still be settling right after start: ask again for a few seconds.
            var found: Int?
            for _ in 0..<50 where found == nil {
                found = try? await cluster.leaderIndex()
                if found == nil { try? await Task.sleep(for: .milliseconds(100)) }
            }
            guard let leader = found else { return }
            cluster.kill(member: leader)
            await killed.set(leader, grantsBefore: await book.grants)
        }
        let leader = try #require(await killed.index, "no leader was found to kill")
        #expect(cluster.memberStates[leader] == .killed)
        #expect(await book.grants == 36)
        #expect(await book.grants > (await killed.grantsBefore ?? 36))
        #expect(await book.overlaps == 0)
        #expect(await book.fenceRegressions == 0)
    }
}

actor GrantOrder {
    private(set) var indices: [Int] = []
    func append(_ index: Int) { indices.append(index) }
}

actor KilledLeader {
    private(set) var index: Int?
    private(set) var grantsBefore: Int?
    func set(_ index: Int, grantsBefore: Int) {
        self.index = index
        self.grantsBefore = grantsBefore
    }
}

/// Waits (bounded, failing loudly) until `count` keys exist under the lock `key`'s etcd prefix.
func waitForKeys(under key: String, count: Int, on connection: EtcdConnection) async throws {
    for _ in 0..<600 {
        if try await connection.countKeys(withPrefix: key + "/") >= count { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw HammerError(detail: "fewer than \(count) keys under \(key)/ after 12 s")
}
