@testable import Chaos
import TestSupport
import Locks
import Reports
import Testing

/// Scenarios 3 and 4: Redlock nodes restarting empty, and nodes lost or paused mid-run.
@Suite("Redlock faults", .serialized)
struct RedlockFaultTests {
    @Test("a node restarted empty within the TTL gives a second quorum: double grant; delayed past the TTL: none")
    func restart() async throws {
        let rows = try await withChaosRun(plan(.redlockRestart)) { run throws(ChaosEnvironmentError) in
            [try await run.redlockRestart(.native, delayed: false), try await run.redlockRestart(.native, delayed: true)]
        }
        #expect(rows[0].doubleGrants == 1 && rows[0].confirmed, "\(describe(rows[0]))")
        #expect(rows[1].doubleGrants == 0 && rows[1].overlaps == 0 && rows[1].acquisitions == 2 && rows[1].confirmed, "\(describe(rows[1]))")
    }

    @Test("3 of 5 killed: no grant while they are down, grants again after the restart, no overlap, no key left")
    func threeKilled() async throws {
        let (row, phases) = try await withChaosRun(plan(.redlockLoss)) { run throws(ChaosEnvironmentError) in
            (try await run.redlockLoss(.native, down: 3, fault: .killed), run.phases)
        }
        #expect(row.confirmed && row.overlaps == 0, "\(describe(row))")
        #expect(phases.map(\.phase) == ["before", "during", "after"])
        #expect(phases[0].grants > 0 && phases[1].grants == 0 && phases[2].grants > 0, "\(phases)")
        #expect(!row.verdict.contains("keys left") && !row.verdict.contains("Problems"), "\(row.verdict)")
    }

    @Test("1 of 5 paused (hiredis): still available; the paused node keeps no key after it resumes")
    func onePaused() async throws {
        let (row, phases) = try await withChaosRun(plan(.redlockLoss, client: .hiredis)) { run throws(ChaosEnvironmentError) in
            (try await run.redlockLoss(.hiredis, down: 1, fault: .paused), run.phases)
        }
        #expect(row.confirmed && row.overlaps == 0, "\(describe(row))")
        #expect(phases.allSatisfy { $0.grants > 0 }, "\(phases)")
        #expect(phases.compactMap(\.minValidityMs).allSatisfy { $0 > 0 }, "every grant came with validity left")
    }
}
