import TestSupport
import Locks
import RESP
import RedisConnection
import Testing

/// Redlock failure modes on five real masters. Keys are checked on the context's own connections where
/// order matters: a command there is processed after every earlier SET/release on that connection.
@Suite("Redlock")
struct RedlockTests {
    static let redlock = RedlockSpec(nodes: 5, driftFactor: 0.01, driftFixedMs: 2, retryDelayMinMs: 0, retryDelayMaxMs: 5,
                                     perNodeTimeoutMs: 300)

    static func spec(ttlMs: Int = 10_000, maxAttempts: Int? = nil) -> LockSpec {
        LockSpec(algorithm: .redlock, wait: .fixed(delay: 1), ttlMs: ttlMs, redlock: redlock,
                 maxAttempts: maxAttempts)
    }

    /// GET (or another command) on node `i` through the context's own connection to it.
    static func onNode(_ context: LockContext, _ i: Int, _ command: [RedisArgument]) async -> RedisReply {
        await withCheckedContinuation { c in context.connections[i].send(command) { c.resume(returning: $0) } }
    }

    static func checkValidity(_ grant: LockGrant, ttlMs: Int) {
        guard let report = grant.redlockAttempts.last else {
            Issue.record("a Redlock grant must carry its attempt reports")
            return
        }
        let drift = Double(ttlMs) * 0.01 + 2
        #expect(report.validityMs == Double(ttlMs) - Double(report.elapsedNanos) / 1_000_000 - drift)
        #expect(grant.validityMs == report.validityMs)
        #expect(report.succeeded && !report.overrun && !report.splitVote)
    }

    @Test("5 of 5 up: granted with a quorum, key on every node; release deletes all five", arguments: allClients)
    func allUp(client: RedisClientKind) async throws {
        try await withFleet(count: 5) { fleet in
            try await withHarness(spec: Self.spec(), client: client, endpoints: fleet.endpoints) { harness in
                let context = harness.context
                let key = uniquePrefix() + "k"
                let locker = await harness.locker()
                let outcome = await locker.acquire(key: key, timeoutMs: 5_000)
                guard case .granted(let grant) = outcome else { Issue.record("\(outcome.brief)"); return }
                #expect(grant.attempts == 1 && grant.redlockAttempts.count == 1)
                #expect(grant.redlockAttempts[0].granted >= 3 && grant.redlockAttempts[0].quorum == 3)
                #expect(grant.commands == 5, "one SET per master")
                Self.checkValidity(grant, ttlMs: 10_000)
                for i in 0..<5 {
                    let value = await Self.onNode(context, i, ["GET", .string(key)])
                    #expect((try? value.get())?.string == grant.token, "node \(i)")
                }
                let report = await locker.release(grant)
                #expect(report.outcome == .released && report.nodesReleased == 5)
                for i in 0..<5 { #expect(await probe(client, fleet.endpoints[i], ["EXISTS", .string(key)]) == .integer(0)) }
            }
        }
    }

    @Test("2 of 5 killed: still granted (3 votes); the dead nodes' errors counted", arguments: allClients)
    func twoKilled(client: RedisClientKind) async throws {
        try await withFleet(count: 5) { fleet in
            try await withHarness(spec: Self.spec(), client: client, endpoints: fleet.endpoints) { harness in
                fleet.kill(0)
                fleet.kill(3)
                let key = uniquePrefix() + "k"
                let locker = await harness.locker()
                let outcome = await locker.acquire(key: key, timeoutMs: 5_000)
                guard case .granted(let grant) = outcome else { Issue.record("\(outcome.brief)"); return }
                let attempt = grant.redlockAttempts.last!
                #expect(attempt.granted == 3, "only three masters are alive")
                #expect(attempt.denied == 0 && attempt.timedOut == 0)
                Self.checkValidity(grant, ttlMs: 10_000)
                for i in [1, 2, 4] {
                    #expect(await probe(client, fleet.endpoints[i], ["GET", .string(key)]).string == grant.token)
                }
                let report = await locker.release(grant)
                #expect(report.outcome == .released && report.nodesReleased == 3)
                let errors = await harness.counters().errors
                #expect(errors.filter { $0.key.hasPrefix("transport") }.values.reduce(0, +) >= 2, "\(errors)")
            }
        }
    }

    @Test("3 of 5 killed: every attempt fails cleanly and no key is left on the live nodes", arguments: allClients)
    func threeKilled(client: RedisClientKind) async throws {
        try await withFleet(count: 5) { fleet in
            try await withHarness(spec: Self.spec(maxAttempts: 3), client: client, endpoints: fleet.endpoints) { harness in
                for i in [0, 2, 4] { fleet.kill(i) }
                let key = uniquePrefix() + "k"
                let locker = await harness.locker()
                let outcome = await locker.acquire(key: key, timeoutMs: 10_000)
                guard case .gaveUp(let summary) = outcome else { Issue.record("expected gaveUp, got \(outcome.brief)"); return }
                #expect(summary.attempts == 3 && summary.redlockAttempts.count == 3)
                for attempt in summary.redlockAttempts {
                    // A failed attempt waits for every vote: complete tallies.
                    #expect(!attempt.succeeded && attempt.granted == 2 && attempt.failed == 3 && attempt.timedOut == 0)
                    #expect(!attempt.splitVote && !attempt.overrun)
                }
                // The outcome is reported only after the failed attempts' releases were answered.
                for i in [1, 3] {
                    #expect(await probe(client, fleet.endpoints[i], ["EXISTS", .string(key)]) == .integer(0), "key left on node \(i)")
                }
                #expect(await harness.counters().redlockOverruns == 0)
            }
        }
    }

    @Test("2 killed + 1 paused: attempts end at the per-node timeout; after resume the paused node keeps no key",
          arguments: allClients)
    func pausedNodeCannotLeaveAKey(client: RedisClientKind) async throws {
        try await withFleet(count: 5) { fleet in
            try await withHarness(spec: Self.spec(maxAttempts: 2), client: client, endpoints: fleet.endpoints) { harness in
                let context = harness.context
                fleet.kill(0)
                fleet.kill(1)
                fleet.pause(2)
                let key = uniquePrefix() + "k"
                let locker = await harness.locker()
                let outcome = await locker.acquire(key: key, timeoutMs: 10_000)
                guard case .gaveUp(let summary) = outcome else { fleet.resume(2); Issue.record("\(outcome.brief)"); return }
                for attempt in summary.redlockAttempts {
                    // 2 granted + 2 failed leave the decision to the paused node: only the timeout can end it.
                    #expect(attempt.granted == 2 && attempt.failed == 2 && attempt.timedOut == 1 && !attempt.succeeded)
                    #expect(attempt.elapsedNanos >= 300_000_000, "decided by the per-node timeout")
                }
                for i in [3, 4] {
                    #expect(await probe(client, fleet.endpoints[i], ["EXISTS", .string(key)]) == .integer(0), "key left on node \(i)")
                }
                // The paused master now runs its queued SETs, then the releases sent after them on the same
                // connection: the releases cannot have overtaken the SETs.
                fleet.resume(2)
                let exists = await Self.onNode(context, 2, ["EXISTS", .string(key)])
                #expect((try? exists.get()) == .integer(0), "a release overtook a SET on the paused node")
            }
        }
    }

    @Test("1 of 5 paused: granted without waiting for it (elapsed < per-node timeout); validity per formula",
          arguments: allClients)
    func onePaused(client: RedisClientKind) async throws {
        try await withFleet(count: 5) { fleet in
            try await withHarness(spec: Self.spec(), client: client, endpoints: fleet.endpoints) { harness in
                let context = harness.context
                fleet.pause(1)
                let key = uniquePrefix() + "k"
                let locker = await harness.locker()
                let outcome = await locker.acquire(key: key, timeoutMs: 5_000)
                guard case .granted(let grant) = outcome else { fleet.resume(1); Issue.record("\(outcome.brief)"); return }
                let attempt = grant.redlockAttempts.last!
                #expect(attempt.granted >= 3 && attempt.timedOut == 0 && attempt.answered <= 4)
                #expect(attempt.elapsedNanos < 300_000_000, "the paused node must not stall the attempt")
                Self.checkValidity(grant, ttlMs: 10_000)
                let report = await locker.release(grant)
                #expect(report.outcome == .released && report.nodesReleased == 4, "the paused node's release times out")
                fleet.resume(1)
                let exists = await Self.onNode(context, 1, ["EXISTS", .string(key)])
                #expect((try? exists.get()) == .integer(0))
            }
        }
    }

    @Test("split vote: another holder on 2 nodes, 1 node dead → no quorum, reported as split; its keys untouched",
          arguments: allClients)
    func splitVote(client: RedisClientKind) async throws {
        try await withFleet(count: 5) { fleet in
            try await withHarness(spec: Self.spec(maxAttempts: 1), client: client, endpoints: fleet.endpoints) { harness in
                let key = uniquePrefix() + "k"
                for i in [0, 1] { _ = try await inspect(client, fleet.endpoints[i], ["SET", .string(key), "other", "PX", 10_000]) }
                fleet.kill(2)
                let locker = await harness.locker()
                let outcome = await locker.acquire(key: key, timeoutMs: 5_000)
                guard case .gaveUp(let summary) = outcome, let attempt = summary.redlockAttempts.last else {
                    Issue.record("\(outcome.brief)"); return
                }
                #expect(attempt.granted == 2 && attempt.denied == 2 && attempt.failed == 1 && attempt.splitVote)
                #expect(await harness.counters().redlockSplitVotes == 1)
                for i in [0, 1] { #expect(await probe(client, fleet.endpoints[i], ["GET", .string(key)]).string == "other") }
                for i in [3, 4] { #expect(await probe(client, fleet.endpoints[i], ["EXISTS", .string(key)]) == .integer(0)) }
            }
        }
    }

    @Test("overrun: a TTL smaller than the drift allowance reaches quorum but validity ≤ 0 → not granted, released",
          arguments: allClients)
    func overrun(client: RedisClientKind) async throws {
        try await withFleet(count: 5) { fleet in
            try await withHarness(spec: Self.spec(ttlMs: 2, maxAttempts: 2), client: client, endpoints: fleet.endpoints) { harness in
                let context = harness.context
                let key = uniquePrefix() + "k"
                let locker = await harness.locker()
                let outcome = await locker.acquire(key: key, timeoutMs: 5_000)
                guard case .gaveUp(let summary) = outcome else { Issue.record("\(outcome.brief)"); return }
                for attempt in summary.redlockAttempts where attempt.granted >= 3 {
                    #expect(attempt.overrun && !attempt.succeeded && attempt.validityMs <= 0)
                    // drift = 2 × 0.01 + 2 = 2.02 ms > ttl, whatever the elapsed time.
                    #expect(attempt.validityMs == 2 - Double(attempt.elapsedNanos) / 1_000_000 - 2.02)
                }
                for i in 0..<5 {
                    let exists = await Self.onNode(context, i, ["EXISTS", .string(key)])
                    #expect((try? exists.get()) == .integer(0))
                }
            }
        }
    }
}
