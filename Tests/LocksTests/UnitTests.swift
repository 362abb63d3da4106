import TestSupport
import Dispatch
import Foundation
import Locks
import Synchronization
import Testing

/// Pieces that need no server: the timer wheel, the spec, the Redlock arithmetic, the witnesses.
@Suite("Locks units")
struct LocksUnitTests {
    @Test("timer wheel: callbacks run in deadline order, never early, cancelled ones never; idle afterwards")
    func wheelOrder() async {
        let queue = DispatchQueue(label: "lockbench.test.wheel")
        let wheel = TimerWheel(queue: queue)
        let fired = Collector<(Int, UInt64, UInt64)>() // (index, due, fired at)
        var rng = SplitMix64(seed: 7)
        // Whole milliseconds, so distinct deadlines are far apart and equal ones tie by schedule order.
        let delays = (0..<200).map { _ in rng.uniform(upTo: 30) * 1_000_000 } // 0–30 ms
        let cancelled = Set((0..<200).filter { $0 % 7 == 3 })
        let expectedCount = 200 - cancelled.count
        queue.async {
            var handles: [Int: TimerHandle] = [:]
            for (i, delay) in delays.enumerated() {
                let due = LockClock.monotonicNanos() + delay
                handles[i] = wheel.schedule(afterNanos: delay) { fired.append((i, due, LockClock.monotonicNanos())) }
            }
            for i in cancelled { wheel.cancel(handles[i]!) }
        }
        #expect(await fired.wait(for: expectedCount))
        try? await Task.sleep(for: .milliseconds(50))
        let items = fired.items
        #expect(items.count == expectedCount)
        #expect(Set(items.map(\.0)).isDisjoint(with: cancelled))
        #expect(items.allSatisfy { $0.2 >= $0.1 }, "a callback ran before its deadline")
        // Scheduled in one queue turn, so due order is delay order (ties by schedule order).
        let dues = items.map(\.1)
        #expect(dues == dues.sorted(), "callbacks ran out of deadline order")
        let idle = await withCheckedContinuation { c in queue.async { c.resume(returning: (wheel.pendingCount, wheel.isTicking)) } }
        #expect(idle.0 == 0)
        #expect(idle.1 == false, "an empty wheel must suspend its source")
        queue.sync { wheel.invalidate() }
    }

    @Test("timer wheel: a callback can schedule and cancel others; far deadlines survive many rotations")
    func wheelReentrant() async {
        let queue = DispatchQueue(label: "lockbench.test.wheel2")
        let wheel = TimerWheel(queue: queue, tickNanos: 1_000_000, slotCount: 8) // 8 ms per rotation
        let events = Collector<String>()
        queue.async {
            var victim: TimerHandle?
            wheel.schedule(afterNanos: 1_000_000) {
                events.append("first")
                wheel.schedule(afterNanos: 2_000_000) { events.append("chained") }
                if let victim { wheel.cancel(victim) }
            }
            victim = wheel.schedule(afterNanos: 5_000_000) { events.append("victim") }
            // 25 rotations: far enough that "first" firing late on a loaded machine (loads of 15 on two
            // cores were seen) still leaves "chained" due before it.
            wheel.schedule(afterNanos: 200_000_000) { events.append("far") }
        }
        #expect(await events.wait(for: 3))
        try? await Task.sleep(for: .milliseconds(20))
        #expect(events.items == ["first", "chained", "far"])
        queue.sync { wheel.invalidate() }
    }

    @Test("spec: raw names, Codable round trip, unsupported combinations rejected with a fix")
    func spec() throws {
        #expect(LockAlgorithmKind.allCases.map(\.rawValue) == ["setnx-px", "legacy-getset", "naive-getdel", "fenced", "redlock", "etcd-mutex", "etcd-lock-rpc", "zk-recipe"])
        #expect(WaitStrategy.Kind.allCases.map(\.rawValue) == ["spin", "fixed", "backoff", "pubsub", "fifo", "watch"])
        #expect(LockAlgorithmKind.allCases.filter { $0.store != .redis }.allSatisfy { $0.supportedWaits == [.watch] && $0.fences && !$0.supportsExtend })
        #expect(!LockAlgorithmKind.allCases.filter { $0.store == .redis }.contains { $0.supportedWaits.contains(.watch) })
        #expect(throws: LockSpecError.self) { try LockSpec(algorithm: .etcdMutex, wait: .backoff()).validate() }
        #expect(LockSpec(algorithm: .zkRecipe, wait: .watch).commandConnections == 0)
        let spec = LockSpec(algorithm: .redlock, wait: .backoff(), ttlMs: 3_000)
        let data = try JSONEncoder().encode(spec)
        #expect(try JSONDecoder().decode(LockSpec.self, from: data) == spec)
        #expect(String(decoding: data, as: UTF8.self).contains("\"redlock\""))
        #expect(throws: LockSpecError.self) { try LockSpec(algorithm: .redlock, wait: .fifo()).validate() }
        #expect(throws: LockSpecError.self) { try LockSpec(algorithm: .naiveGetdel, wait: .fifo()).validate() }
        #expect(throws: LockSpecError.self) { try LockSpec(algorithm: .setnxPX, wait: .backoff(base: 10, cap: 5)).validate() }
        #expect(throws: LockSpecError.self) { try LockSpec(algorithm: .setnxPX, wait: .fifo(fallback: 500, ticketTTL: 600)).validate() }
        for algorithm in LockAlgorithmKind.allCases {
            for wait in algorithm.supportedWaits {
                try LockSpec(algorithm: algorithm, wait: WaitStrategy(wait)).validate()
            }
        }
    }

    @Test("wait strategy: the JSON shape of the former flat spec decodes, round-trips, and prints its CSV parameters")
    func waitStrategyJSON() throws {
        let old = #"{"backoffBaseMs":1,"backoffCapMs":50,"fallbackMs":200,"fixedDelayMs":5,"kind":"backoff","lingerMs":1000,"ticketTtlMs":5000,"wakeAll":false}"#
        let wait = try JSONDecoder().decode(WaitStrategy.self, from: Data(old.utf8))
        #expect(wait == .backoff(base: 1, cap: 50))
        #expect(wait.parameters == "base=1ms cap=50ms")
        let strategies: [WaitStrategy] = [.spin, .fixed(delay: 3), .backoff(), .pubsub(wakeAll: true), .fifo(fallback: 300, ticketTTL: 900)]
        for strategy in strategies {
            let data = try JSONEncoder().encode(strategy)
            #expect(try JSONDecoder().decode(WaitStrategy.self, from: data) == strategy)
            let keys = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            #expect(keys?.count == 8, "every key of the former shape is written")
        }
        #expect(WaitStrategy.fixed(delay: 3).parameters == "delay=3ms")
        #expect(WaitStrategy.pubsub(wakeAll: true).parameters == "fallback=200ms wake=all linger=1000ms")
        #expect(WaitStrategy.fifo(fallback: 300, ticketTTL: 900).parameters == "fallback=300ms ticket_ttl=900ms linger=1000ms")
        #expect(WaitStrategy.spin.parameters == "")
    }

    @Test("safety rules: which algorithms promise exclusion, and when their overlaps are violations")
    func safetyRules() {
        #expect(LockAlgorithmKind.allCases.filter(\.promisesExclusion) == [.setnxPX, .fenced, .redlock, .etcdMutex, .etcdLockRPC, .zkRecipe])
        #expect(LockAlgorithmKind.setnxPX.overlapsAreViolations(maxHoldUs: 1_000, ttlMs: 10))
        #expect(!LockAlgorithmKind.setnxPX.overlapsAreViolations(maxHoldUs: 10_000, ttlMs: 10), "a hold as long as the TTL outlives the lease")
        #expect(!LockAlgorithmKind.fenced.overlapsAreViolations(maxHoldUs: nil, ttlMs: 10), "an unbounded hold may outlive the lease")
        #expect(!LockAlgorithmKind.legacyGetset.overlapsAreViolations(maxHoldUs: 0, ttlMs: 10_000))
    }

    @Test("redlock arithmetic: drift = ttl·factor + fixed, validity = ttl − elapsed − drift, quorum N/2+1")
    func redlockFormula() {
        let redlock = RedlockSpec(nodes: 5, driftFactor: 0.01, driftFixedMs: 2)
        #expect(redlock.quorum == 3)
        #expect(RedlockSpec(nodes: 4).quorum == 3)
        #expect(RedlockSpec(nodes: 1).quorum == 1)
        #expect(redlock.driftMs(ttlMs: 10_000) == 102)
        #expect(redlock.validityMs(ttlMs: 10_000, elapsedNanos: 5_500_000) == 10_000 - 5.5 - 102)
        #expect(redlock.validityMs(ttlMs: 100, elapsedNanos: 99_000_000) < 0)
    }

    @Test("witnesses: overlap counted once per intruder; fenced resource refuses lower tokens, accepts equal")
    func witnesses() {
        let witness = MutexWitness()
        #expect(!witness.enter(holderID: 1).overlap)
        #expect(witness.enter(holderID: 2).overlap)
        witness.exit(holderID: 2)
        witness.exit(holderID: 1)
        #expect(!witness.enter(holderID: 3).overlap)
        witness.exit(holderID: 3)
        #expect(witness.overlaps == 1 && witness.entries == 3 && witness.holders == 0 && witness.unbalancedExits == 0)
        witness.exit(holderID: 3)
        #expect(witness.unbalancedExits == 1)

        let resource = FencedResource()
        #expect(resource.write(token: 5))
        #expect(resource.write(token: 5))
        #expect(resource.write(token: 9))
        #expect(!resource.write(token: 6))
        #expect(resource.acceptedWrites == 3 && resource.rejectedWrites == 1 && resource.highestToken == 9)
    }

    @Test("lease witness: an overlap is a double grant only while the other holder's lease is still valid")
    func leaseWitness() {
        var witness = LeaseWitness()
        #expect(witness.enter(1, validUntilNanos: 1_000, now: 0) == LeaseWitness.Entry(inside: 0, stillValid: 0))
        let early = witness.enter(2, validUntilNanos: 2_000, now: 500)
        #expect(early.overlap && early.doubleGrant)
        let late = witness.enter(3, validUntilNanos: 3_000, now: 1_500)
        #expect(late.inside == 2 && late.stillValid == 1)
        #expect(witness.exit(2) && !witness.exit(2))
        #expect(witness.holders == [1, 3])

        var fence = FenceHighWater()
        #expect(fence.accept(4) && fence.accept(4) && !fence.accept(3) && fence.highest == 4)
    }

    @Test("tokens and jitter: SplitMix64 is reproducible per seed and uniform(upTo:) stays in range")
    func rng() {
        var a = SplitMix64(seed: 1), b = SplitMix64(seed: 1), c = SplitMix64(seed: 2)
        let sa = (0..<100).map { _ in a.next() }
        #expect(sa == (0..<100).map { _ in b.next() })
        #expect(sa != (0..<100).map { _ in c.next() })
        #expect((0..<1_000).allSatisfy { _ in a.uniform(upTo: 10) <= 10 })
        #expect(a.uniform(upTo: 0) == 0)
    }
}
