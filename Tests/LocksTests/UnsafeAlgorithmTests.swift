import TestSupport
import Dispatch
import Locks
import RESP
import RedisConnection
import Testing

/// The unsafe designs fail the way their real counterparts do, and the harness sees it.
@Suite("Unsafe algorithms")
struct UnsafeAlgorithmTests {
    @Test("naive-getdel: key expires and is re-acquired between GET and delete → other owner's lock deleted, reported",
          arguments: allClients)
    func naiveRace(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            let spec = testSpec(.naiveGetdel, .fixed, ttlMs: 30_000)
            try await withHarness(spec: spec, client: client, endpoints: fleet.endpoints, queues: 2) { harness in
                let key = uniquePrefix() + "k"
                let holder = await harness.locker(0)
                let intruder = await harness.locker(1)
                let intruderOutcome = Locked<AcquireOutcome?>(nil)

                // Control: without the race, GET then delete releases our own lock.
                guard case .granted(let calm) = await holder.acquire(key: key, timeoutMs: 5_000) else { Issue.record("no grant"); return }
                #expect(await holder.release(calm).outcome == .released)

                guard case .granted(let grant) = await holder.acquire(key: key, timeoutMs: 5_000) else { Issue.record("no grant"); return }
                // Inside the window (after the GET saw our token, before the delete): the key expires (made
                // to, so the test does not wait out a TTL), the intruder takes it, then the delete goes out.
                let context = harness.contexts[0]
                await context.onQueue {
                    context.beforeNaiveDelete = { _, proceed in
                        context.beforeNaiveDelete = nil
                        Task {
                            _ = await probe(client, fleet.endpoints[0], ["PEXPIRE", .string(key), 1])
                            _ = await eventually { await probe(client, fleet.endpoints[0], ["EXISTS", .string(key)]) == .integer(0) }
                            let outcome = await intruder.acquire(key: key, timeoutMs: 5_000)
                            intruderOutcome.withLock { $0 = outcome }
                            proceed()
                        }
                    }
                }
                let report = await holder.release(grant)
                guard let stolen = intruderOutcome.value?.grant else {
                    Issue.record("the intruder was not granted: \(intruderOutcome.value?.brief ?? "the hook never ran")"); return
                }
                #expect(report.outcome == .wrongOwnerDelete(deletedToken: stolen.token))
                #expect(await probe(client, fleet.endpoints[0], ["EXISTS", .string(key)]) == .integer(0),
                        "the intruder's lock is gone although it never released")
                #expect(await intruder.release(stolen).outcome == .notOwner)
                let counters = await harness.counters()
                #expect(counters.wrongOwnerDeletes == 1 && counters.released == 1)
            }
        }
    }

    @Test("legacy-getset: skew beyond the TTL grants twice (witness overlap, takeover reported)", arguments: allClients)
    func legacySkew(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            // A TTL long enough that the honest holder's release is not late even on a loaded machine
            // (the whole test then runs inside its lease, by the honest clock).
            let spec = testSpec(.legacyGetset, .fixed, ttlMs: 60_000)
            try await withHarness(spec: spec, client: client, endpoints: fleet.endpoints, queues: 2) { harness in
                let key = uniquePrefix() + "k"
                let witness = MutexWitness()
                let honest = await harness.locker(0)
                let fast = await harness.locker(1, clockOffsetMs: 120_000) // its clock runs 120 s ahead: > ttl + 1
                guard case .granted(let first) = await honest.acquire(key: key, timeoutMs: 5_000) else { Issue.record("no grant"); return }
                #expect(first.legacyTookOverExpiryMs == nil)
                #expect(!witness.enter(holderID: 1).overlap)
                let outcome = await fast.acquire(key: key, timeoutMs: 5_000)
                guard case .granted(let second) = outcome else { Issue.record("\(outcome.brief)"); return }
                let overlapped = witness.enter(holderID: 2).overlap
                #expect(overlapped && witness.overlaps == 1, "the skewed clock must see the live lock as expired")
                #expect(second.legacyTookOverExpiryMs == first.legacyExpiresAtMs, "the takeover names the expiry it replaced")
                #expect(await harness.counters().legacyTakeovers == 1)
                witness.exit(holderID: 2)
                witness.exit(holderID: 1)
                // Both believe they hold it: the second's release deletes; the first's DEL then finds nothing.
                #expect(await fast.release(second).outcome == .released)
                #expect(await honest.release(first).outcome == .notOwner)
            }
        }
    }

    @Test("legacy-getset: no skew and holds within the TTL → never two holders, no takeovers", arguments: allClients)
    func legacyNoSkew(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            try await withHarness(spec: testSpec(.legacyGetset, .backoff, ttlMs: 5_000), client: client,
                                  endpoints: fleet.endpoints, queues: 2) { harness in
                let key = uniquePrefix() + "k"
                let witness = MutexWitness()
                let stats = await runContenders(harness, perContext: 6, key: key, rounds: 6, holdMs: 1, witness: witness)
                #expect(stats.grants == 72 && stats.failures.isEmpty)
                #expect(witness.overlaps == 0)
                #expect(stats.releases == ["released": 72])
                #expect(await harness.counters().legacyTakeovers == 0)
            }
        }
    }

    @Test("legacy-getset: a holder past its own expiry does not DEL (late release); the expired lock was taken over",
          arguments: allClients)
    func legacyLateRelease(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            try await withHarness(spec: testSpec(.legacyGetset, .fixed, ttlMs: 100), client: client,
                                  endpoints: fleet.endpoints) { harness in
              try await withHarness(spec: testSpec(.legacyGetset, .fixed, ttlMs: 30_000), client: client,
                                    endpoints: fleet.endpoints) { longHarness in
                let key = uniquePrefix() + "k"
                let slow = await harness.locker()
                let next = await longHarness.locker()
                guard case .granted(let old) = await slow.acquire(key: key, timeoutMs: 5_000) else { Issue.record("no grant"); return }
                guard case .granted(let new) = await next.acquire(key: key, timeoutMs: 5_000) else { Issue.record("no grant"); return }
                #expect(new.legacyTookOverExpiryMs == old.legacyExpiresAtMs)
                guard case .lateRelease(let lateBy) = await slow.release(old).outcome else { Issue.record("expected a late release"); return }
                #expect(lateBy >= 0)
                #expect(await probe(client, fleet.endpoints[0], ["GET", .string(key)]).string == new.token)
                guard case .failed(let failure) = await slow.extend(old, byMs: 100) else { Issue.record("legacy extend must fail"); return }
                #expect(failure.code == .unsupported)
                #expect(await next.release(new).outcome == .released)
              }
            }
        }
    }
}

/// Fencing: a holder paused past its TTL comes back with a stale token, and the resource refuses it.
@Suite("Fencing")
struct FencingTests {
    @Test("paused holder's stale write is rejected by the in-process and the Redis witness", arguments: allClients)
    func staleWrite(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            try await withHarness(spec: testSpec(.fenced, .backoff, ttlMs: 150), client: client,
                                  endpoints: fleet.endpoints) { harness in
              try await withHarness(spec: testSpec(.fenced, .backoff, ttlMs: 30_000), client: client,
                                    endpoints: fleet.endpoints) { longHarness in
                let key = uniquePrefix() + "k"
                let resource = FencedResource()
                let connection = try await connector(client).connect(to: fleet.endpoints[0])
                defer { connection.close() }
                let redisResource = RedisFencedResource(connection: connection, key: key + ":resource")
                let paused = await harness.locker()
                let other = await longHarness.locker()
                guard case .granted(let old) = await paused.acquire(key: key, timeoutMs: 5_000), let oldFence = old.fencingToken else {
                    Issue.record("no grant"); return
                }
                #expect(resource.write(token: oldFence))
                #expect(await redisResource.write(token: oldFence, value: "old-1") == .success(true))
                // The holder's whole queue stops (a GC pause) for longer than the TTL.
                harness.contexts[0].queue.suspend()
                let outcome = await other.acquire(key: key, timeoutMs: 5_000)
                harness.contexts[0].queue.resume()
                guard case .granted(let new) = outcome, let newFence = new.fencingToken else { Issue.record("\(outcome.brief)"); return }
                #expect(newFence > oldFence)
                #expect(resource.write(token: newFence))
                #expect(await redisResource.write(token: newFence, value: "new") == .success(true))
                // Back from the pause, the old holder still believes it holds the lock and writes.
                #expect(!resource.write(token: oldFence), "a stale token must be refused")
                #expect(await redisResource.write(token: oldFence, value: "old-2") == .success(false))
                #expect(resource.rejectedWrites == 1 && resource.acceptedWrites == 2 && resource.highestToken == newFence)
                let stored = try await connection.send(["HMGET", .string(key + ":resource"), "value", "rejected", "fence"])
                #expect(stored.elements?.map(\.string) == ["new", "1", String(newFence)])
                #expect(await paused.release(old).outcome == .notOwner)
                #expect(await other.release(new).outcome == .released)
              }
            }
        }
    }
}
