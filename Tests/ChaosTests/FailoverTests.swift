@testable import Chaos
import TestSupport
import Locks
import RedisFleet
import Reports
import Testing

/// Scenario 2: the primary dies before the lock reached the replica.
@Suite("failover", .serialized)
struct FailoverTests {
    static let manual = ChaosRun.FailoverVariant(name: "async, replica behind, REPLICAOF NO ONE", waitMs: nil, replicaBehind: true, sentinel: false)
    static let waitBehind = ChaosRun.FailoverVariant(name: "WAIT 1, replica behind", waitMs: 300, replicaBehind: true, sentinel: false)
    static let waitInSync = ChaosRun.FailoverVariant(name: "WAIT 1, replica in sync", waitMs: 300, replicaBehind: false, sentinel: false)

    @Test("without WAIT the promoted replica grants the lock again; the fencing token repeats, so the stale write is accepted")
    func doubleGrant() async throws {
        let rows = try await withChaosRun(plan(.failover)) { run throws(ChaosEnvironmentError) in
            [try await run.failover(.setnxPX, .native, Self.manual), try await run.failover(.fenced, .native, Self.manual)]
        }
        for row in rows {
            #expect(row.doubleGrants == 1 && row.overlaps == 1 && row.acquisitions == 2 && row.confirmed, "\(describe(row))")
            #expect(row.staleWritesAccepted == 1, "the first holder's later write gets through: \(describe(row))")
        }
    }

    @Test("WAIT 1: with the replica behind the first client refuses the lock; in sync the replica refuses the second")
    func waitForReplica() async throws {
        let rows = try await withChaosRun(plan(.failover, client: .hiredis)) { run throws(ChaosEnvironmentError) in
            [try await run.failover(.setnxPX, .hiredis, Self.waitBehind), try await run.failover(.setnxPX, .hiredis, Self.waitInSync)]
        }
        for row in rows {
            #expect(row.doubleGrants == 0 && row.overlaps == 0 && row.confirmed, "\(describe(row))")
            #expect(row.acquisitions == 1 && row.failedAcquisitions == 1, "one client holds, the other is refused: \(describe(row))")
        }
        #expect(rows[1].unavailabilityMs > Double(ChaosRun.failoverWindowMs), "the replicated lock outlives the primary: \(describe(rows[1]))")
    }

    @Test("Sentinel promotes the replica and the lock is granted twice", .enabled(if: RedisFleet.sentinelAvailable))
    func sentinel() async throws {
        let variant = ChaosRun.FailoverVariant(name: "async, replica behind, Sentinel", waitMs: nil, replicaBehind: true, sentinel: true)
        let row = try await withChaosRun(plan(.failover, sentinel: true)) { run throws(ChaosEnvironmentError) in
            try await run.failover(.setnxPX, .native, variant)
        }
        #expect(row.doubleGrants == 1 && row.confirmed, "\(describe(row))")
    }
}
