import TestSupport
import Locks
import RESP
import RedisConnection
import Testing

/// Token checks: only the holder's token releases or extends; an expired lock is free for others.
@Suite("Ownership")
struct OwnershipTests {
    static let algorithms: [LockAlgorithmKind] = [.setnxPX, .naiveGetdel, .fenced, .redlock]

    static func values(_ key: String, _ client: RedisClientKind, _ endpoints: [Endpoint]) async -> [String?] {
        var out: [String?] = []
        for endpoint in endpoints { out.append(await probe(client, endpoint, ["GET", .string(key)]).string) }
        return out
    }

    @Test("a wrong token releases nothing and extends nothing; the right one does both", arguments: allClients, algorithms)
    func wrongToken(client: RedisClientKind, algorithm: LockAlgorithmKind) async throws {
        let nodes = algorithm == .redlock ? 3 : 1
        try await withFleet(count: nodes) { fleet in
            var redlock = RedlockSpec(nodes: 3, retryDelayMinMs: 0, retryDelayMaxMs: 5, perNodeTimeoutMs: 500)
            redlock.nodes = nodes
            // A TTL far longer than the test: in CI's parallel first pass this test has taken 49 s on two
            // cores, and a 10 s lock expired between its grant and the checks below.
            let spec = testSpec(algorithm, .backoff, ttlMs: 120_000, redlock: redlock)
            try await withHarness(spec: spec, client: client, endpoints: fleet.endpoints) { harness in
                let key = uniquePrefix() + "k"
                let locker = await harness.locker()
                guard case .granted(let grant) = await locker.acquire(key: key, timeoutMs: 5_000) else {
                    Issue.record("not granted"); return
                }
                var forged = grant
                forged.token = "00000000000000000000000000000000"
                #expect(await locker.extend(forged, byMs: 600_000) == .notOwner)
                #expect(await locker.release(forged).outcome == .notOwner)
                #expect(await Self.values(key, client, fleet.endpoints) == Array(repeating: grant.token, count: nodes),
                        "the wrong token must leave the lock as it was")
                let ttl = await probe(client, fleet.endpoints[0], ["PTTL", .string(key)]).integer ?? -1
                #expect(ttl > 0 && ttl <= 120_000, "the wrong token's extend must not touch the TTL")

                guard case .extended(let validity) = await locker.extend(grant, byMs: 600_000) else {
                    Issue.record("the holder's extend failed"); return
                }
                #expect(validity <= 600_000 && validity > 120_000)
                let extendedTTL = await probe(client, fleet.endpoints[0], ["PTTL", .string(key)]).integer ?? -1
                #expect(extendedTTL > 120_000)
                #expect(await locker.release(grant).outcome == .released)
                #expect(await Self.values(key, client, fleet.endpoints) == Array(repeating: nil, count: nodes))
                let counters = await harness.counters()
                #expect(counters.releaseNotOwner == 1 && counters.extendNotOwner == 1 && counters.released == 1)
            }
        }
    }

    @Test("an expired lock is taken by another contender; the late holder's release and extend find it gone",
          arguments: allClients, algorithms)
    func expiredTaken(client: RedisClientKind, algorithm: LockAlgorithmKind) async throws {
        let nodes = algorithm == .redlock ? 3 : 1
        try await withFleet(count: nodes) { fleet in
            let redlock = RedlockSpec(nodes: nodes, retryDelayMinMs: 0, retryDelayMaxMs: 5, perNodeTimeoutMs: 500)
            // The first holder's lock lives 150 ms; the second's long enough to check it at leisure.
            let short = testSpec(algorithm, .backoff, ttlMs: 150, redlock: redlock)
            let long = testSpec(algorithm, .backoff, ttlMs: 30_000, redlock: redlock)
            try await withHarness(spec: short, client: client, endpoints: fleet.endpoints) { harness in
              try await withHarness(spec: long, client: client, endpoints: fleet.endpoints) { longHarness in
                let key = uniquePrefix() + "k"
                let first = await harness.locker()
                let second = await longHarness.locker()
                guard case .granted(let old) = await first.acquire(key: key, timeoutMs: 5_000) else {
                    Issue.record("first not granted"); return
                }
                // The first holder never releases. Once its key has expired everywhere (Redlock: on every
                // node, or a node still holding it would deny the second and keep the first's key), the
                // second contender takes it.
                #expect(await eventually { await Self.values(key, client, fleet.endpoints).allSatisfy { $0 == nil } })
                let outcome = await second.acquire(key: key, timeoutMs: 10_000)
                guard case .granted(let new) = outcome else { Issue.record("\(outcome.brief)"); return }
                #expect(new.token != old.token)
                if algorithm == .fenced { #expect(new.fencingToken! > old.fencingToken!) }
                #expect(await first.extend(old, byMs: 10_000) == .notOwner)
                #expect(await first.release(old).outcome == .notOwner, "the late holder must not delete the new lock")
                // Read on the second contender's own connections: ordered after its SETs on every node.
                var held: [String?] = []
                for connection in longHarness.context.connections {
                    let reply = await withCheckedContinuation { c in connection.send(["GET", .string(key)]) { c.resume(returning: $0) } }
                    held.append((try? reply.get())?.string)
                }
                #expect(held == Array(repeating: new.token, count: nodes))
                #expect(await second.release(new).outcome == .released)
              }
            }
        }
    }
}

/// A server that lost its script cache (restart, `SCRIPT FLUSH`, failover) answers EVALSHA with
/// NOSCRIPT: every script call is re-sent once as EVAL, and the lock works as before.
@Suite("Script cache lost")
struct ScriptCacheTests {
    struct Combination: Sendable, CustomTestStringConvertible {
        var algorithm: LockAlgorithmKind
        var wait: WaitStrategy.Kind
        var testDescription: String { "\(algorithm)/\(wait)" }
    }

    static let combinations = [LockAlgorithmKind.setnxPX, .fenced].flatMap { algorithm in
        [WaitStrategy.Kind.backoff, .pubsub, .fifo].map { Combination(algorithm: algorithm, wait: $0) }
    }

    @Test("after SCRIPT FLUSH, acquire and release fall back to EVAL and still lock and unlock",
          arguments: allClients, Self.combinations)
    func noScriptFallback(client: RedisClientKind, combination: Combination) async throws {
        let (algorithm, wait) = (combination.algorithm, combination.wait)
        try await withFleet { fleet in
            let spec = testSpec(algorithm, wait, ttlMs: 10_000)
            try await withHarness(spec: spec, client: client, endpoints: fleet.endpoints) { harness in
                let key = uniquePrefix() + "k"
                let locker = await harness.locker()
                _ = await probe(client, fleet.endpoints[0], ["SCRIPT", "FLUSH"])
                guard case .granted(let grant) = await locker.acquire(key: key, timeoutMs: 5_000) else {
                    Issue.record("not granted after SCRIPT FLUSH"); return
                }
                #expect(await probe(client, fleet.endpoints[0], ["GET", .string(key)]).string == grant.token)
                _ = await probe(client, fleet.endpoints[0], ["SCRIPT", "FLUSH"])
                #expect(await locker.release(grant).outcome == .released)
                #expect(await probe(client, fleet.endpoints[0], ["EXISTS", .string(key)]) == .integer(0))
                let counters = await harness.counters()
                // fenced (and fifo) acquire by script: two fallbacks; setnx-px acquires with SET.
                let scripted = algorithm == .fenced || wait == .fifo
                #expect(counters.scriptFallbacks == (scripted ? 2 : 1))
                #expect(counters.released == 1)
            }
        }
    }
}
