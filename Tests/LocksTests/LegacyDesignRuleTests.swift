import Dispatch
import Locks
import RESP
import RedisConnection
import Testing
import TestSupport

/// legacy-getset follows the 2013 design's rule after `GETSET` (granted when the replaced value is
/// still an expired timestamp by the client's own clock), so skewed clocks grant twice and the
/// harness counts it.
@Suite("legacy-getset design rule")
struct LegacyDesignRuleTests {
    @Test("skewed clocks: a takeover between GET and GETSET still grants the fast clock, overlapping a live holder",
          arguments: allClients)
    func legacyDesignRule(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            let spec = testSpec(.legacyGetset, .fixed, ttlMs: 5_000)
            try await withHarness(spec: spec, client: client, endpoints: fleet.endpoints) { behindHarness in
              try await withHarness(spec: spec, client: client, endpoints: fleet.endpoints) { aheadHarness in
                let key = uniquePrefix() + "k"
                let witness = MutexWitness()
                // 15 s behind and 15 s ahead: 30 s apart, more than ttl + 1, so what the slow clock writes
                // as "5 s from now" has long passed by the fast one.
                let behind = await behindHarness.locker(clockOffsetMs: -15_000)
                let ahead = await aheadHarness.locker(clockOffsetMs: 15_000)
                // A lock left by a holder that died: expired for every clock.
                #expect(await probe(client, fleet.endpoints[0], ["SET", .string(key), "1"]) == .simpleString("OK"))

                // `ahead` has read the dead holder's expiry and judged it expired; before its GETSET,
                // `behind` takes the lock over (legitimately: the stored value is past by its clock too).
                let first = Locked<LockGrant?>(nil)
                let context = aheadHarness.context
                await context.onQueue {
                    context.beforeLegacyGetset = { _, proceed in
                        context.beforeLegacyGetset = nil
                        Task {
                            if case .granted(let grant) = await behind.acquire(key: key, timeoutMs: 5_000) {
                                first.withLock { $0 = grant }
                                witness.enter(holderID: 1)
                            }
                            proceed()
                        }
                    }
                }
                let outcome = await ahead.acquire(key: key, timeoutMs: 2_000)
                guard let held = first.value else { Issue.record("the slow-clock contender was not granted"); return }
                #expect(held.legacyTookOverExpiryMs == 1)
                // GETSET returned `behind`'s fresh expiry, not the value `ahead` saw expire: a rule that
                // compares the two refuses here (and `ahead` times out); the design's rule grants.
                guard case .granted(let second) = outcome else {
                    Issue.record("the design grants the fast clock here; got \(outcome.brief)"); return
                }
                #expect(second.legacyTookOverExpiryMs == held.legacyExpiresAtMs, "the takeover names the live holder's expiry")
                #expect(witness.enter(holderID: 2).overlap, "two holders at once")
                #expect(witness.overlaps == 1)
                #expect(second.grantedAtNanos < held.validUntilNanos(algorithm: .legacyGetset),
                        "the first lease was still valid: a double grant, not a late holder")
                #expect(await aheadHarness.counters().legacyTakeovers == 1)
                witness.exit(holderID: 2)
                witness.exit(holderID: 1)
                #expect(await ahead.release(second).outcome == .released)
                #expect(await behind.release(held).outcome == .notOwner)
              }
            }
        }
    }
}
