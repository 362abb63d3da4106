@testable import Chaos
import Locks
import Reports
import Testing
import TestSupport

/// The consensus stores' rows of the safety table, on real etcd members and ZooKeeper JVMs the runs
/// start and stop: a holder paused past its lease or session (Jepsen's etcd finding, with and without
/// the store's fencing token), and a member lost under load.
@Suite("chaos on etcd and ZooKeeper", .serialized)
struct StoreChaosTests {
    @Test("a paused holder overlaps the next; without fencing its stale write lands, with the revision or czxid it is refused",
          arguments: [LockAlgorithmKind.etcdMutex, .etcdLockRPC, .zkRecipe])
    func pause(algorithm: LockAlgorithmKind) async throws {
        let rows = try await withChaosRun(plan(.clientPause, algorithms: [algorithm], trials: 2)) { run throws(ChaosEnvironmentError) in
            [try await run.storePause(algorithm, fenced: false), try await run.storePause(algorithm, fenced: true)]
        }
        let (unfenced, fenced) = (rows[0], rows[1])
        #expect(unfenced.variant == "in-process, no fence")
        #expect(fenced.variant.hasSuffix(algorithm.store == .etcd ? "revision fence" : "czxid fence"))
        for row in rows {
            #expect(row.trials == 2 && row.acquisitions == 4, "\(describe(row))")
            #expect(row.overlaps == 2, "the woken holder still believed it held the lock: \(describe(row))")
            #expect(row.doubleGrants == 0, "the store granted only after the lease or session was gone: \(describe(row))")
            #expect(row.confirmed, "\(describe(row))")
        }
        #expect(unfenced.staleWritesAccepted == 2 && unfenced.staleWritesRejected == 0, "\(describe(unfenced))")
        #expect(fenced.staleWritesRejected == 2 && fenced.staleWritesAccepted == 0, "\(describe(fenced))")
    }

    @Test("the leader of 3 killed under load: grants resume after the kill, 0 overlaps, 0 double grants",
          arguments: [LockAlgorithmKind.etcdMutex, .zkRecipe])
    func leaderLoss(algorithm: LockAlgorithmKind) async throws {
        let row = try await withChaosRun(plan(.leaderLoss, algorithms: [algorithm])) { run throws(ChaosEnvironmentError) in
            try await run.storeQuorumFault(algorithm, .leaderKilled)
        }
        #expect(row.scenario == "leader-loss" && row.variant == "leader killed (kill -9)")
        #expect(row.acquisitions > 0)
        #expect(row.verdict.contains("grants resumed"), "grants after the kill: \(describe(row))")
        #expect(row.overlaps == 0 && row.doubleGrants == 0, "\(describe(row))")
        #expect(row.confirmed, "\(describe(row))")
    }

    /// Safety only: availability behind a paused member is a finding, not a promise. With the etcd leader
    /// paused for 4 s the etcd recipes have gone 15 s without a grant (the client's keepalive needs 10 s of
    /// silence plus 5 s to drop the member's connection), and zk-recipe has gone 30 s without one on a
    /// loaded machine: unconfirmed rows in Results/safety-table.csv.
    @Test("a member of 3 SIGSTOPped under load: the row is measured and the quorum grants no key twice", arguments: [
        (LockAlgorithmKind.etcdLockRPC, StoreMemberFault.followerPaused), (.etcdMutex, .followerPaused), (.zkRecipe, .leaderPaused),
    ])
    func memberPause(algorithm: LockAlgorithmKind, fault: StoreMemberFault) async throws {
        let row = try await withChaosRun(plan(.memberPause, algorithms: [algorithm])) { run throws(ChaosEnvironmentError) in
            try await run.storeQuorumFault(algorithm, fault)
        }
        #expect(row.variant == fault.variant)
        #expect(row.acquisitions > 0, "\(describe(row))")
        #expect(row.doubleGrants == 0, "\(describe(row))")
    }

    @Test("store scenarios run only when asked; Redis-only scenarios refuse store algorithms")
    func planning() throws {
        #expect(!ChaosScenario.defaultSet(algorithms: nil).contains(.leaderLoss))
        #expect(!ChaosScenario.defaultSet(algorithms: nil).contains(.memberPause))
        #expect(ChaosScenario.clientPause.defaultAlgorithms.allSatisfy { $0.store == .redis })
        #expect(ChaosScenario.defaultSet(algorithms: [.zkRecipe]) == [.clientPause, .leaderLoss, .memberPause])
        #expect(ChaosScenario.leaderLoss.algorithms(filter: [.setnxPX]).isEmpty)
        let refused = ChaosPlan(scenarios: [.failover], algorithms: [.etcdMutex])
        #expect(throws: ChaosPlanError.self) { try refused.validate() }
        do {
            try refused.validate()
        } catch {
            #expect(error.reason.contains("Redis deployments only") && error.reason.contains("leader-loss"), "\(error)")
        }
    }
}
