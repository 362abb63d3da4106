@testable import Chaos
import Locks
import RedisConnection
import Reports
import Testing
import TestSupport

/// The cluster rows of the safety table, against real 3-primary clusters.
@Suite("cluster chaos", .serialized)
struct ClusterChaosTests {
    static func variant(_ name: String) throws -> ChaosRun.ClusterFailoverVariant {
        try #require(ChaosRun.clusterFailoverVariants.first { $0.failover.name.hasPrefix(name) })
    }

    @Test("a shard's primary killed, or forced out, with its replica behind: the promoted replica grants the lock again")
    func doubleGrant() async throws {
        let killed = try Self.variant("kill -9")
        let forced = try Self.variant("CLUSTER FAILOVER FORCE")
        let rows = try await withChaosRun(plan(.clusterFailover)) { run throws(ChaosEnvironmentError) in
            [try await run.clusterFailover(.setnxPX, .native, killed), try await run.clusterFailover(.fenced, .native, forced)]
        }
        for row in rows {
            #expect(row.doubleGrants == 1 && row.acquisitions == 2 && row.confirmed, "\(describe(row))")
        }
        #expect(rows[1].staleWritesAccepted == 1, "the fencing counter was lost with the lock: \(describe(rows[1]))")
    }

    @Test("WAIT 1 on the shard's primary: behind (kill -9), the first client refuses the lock; in sync (FORCE), the promoted replica refuses the second")
    func waitForReplica() async throws {
        let behind = try Self.variant("WAIT 1 \(ChaosRun.waitTimeoutMs)ms, replica behind, kill -9")
        let inSync = try Self.variant("WAIT 1 \(ChaosRun.waitTimeoutMs)ms, replica in sync, CLUSTER FAILOVER FORCE")
        let rows = try await withChaosRun(plan(.clusterFailover, client: .hiredis)) { run throws(ChaosEnvironmentError) in
            [try await run.clusterFailover(.setnxPX, .hiredis, behind), try await run.clusterFailover(.setnxPX, .hiredis, inSync)]
        }
        for row in rows {
            #expect(row.doubleGrants == 0 && row.overlaps == 0 && row.confirmed, "\(describe(row))")
            #expect(row.acquisitions == 1 && row.failedAcquisitions == 1, "one client holds, the other is refused: \(describe(row))")
        }
    }

    @Test("a lock's slot migrated under load: grants continue, ASK and MOVED are counted, no overlap, on both clients", arguments: [
        (LockAlgorithmKind.setnxPX, RedisClientKind.native), (.fenced, .hiredis),
    ])
    func slotMigration(algorithm: LockAlgorithmKind, client: RedisClientKind) async throws {
        let row = try await withChaosRun(plan(.slotMigration, client: client)) { run throws(ChaosEnvironmentError) in
            try await run.slotMigration(algorithm, client)
        }
        #expect(row.confirmed && row.overlaps == 0 && row.doubleGrants == 0, "\(describe(row))")
        #expect(row.verdict.contains(" ASK") && row.verdict.contains(" MOVED"), "\(row.verdict)")
        #expect(row.acquisitions > 0)
    }
}
