@testable import Chaos
import TestSupport
import Locks
import Reports
import Testing

/// Scenario 1: a holder paused past its TTL. Every lease-based lock lets it overlap the next holder;
/// only a fencing token stops its stale write.
@Suite("client pause", .serialized)
struct ClientPauseTests {
    @Test("in process: setnx-px and redlock overlap and accept the stale write; fenced refuses it")
    func inProcess() async throws {
        let outcome = await ChaosRunner(plan: plan(.clientPause, algorithms: [.setnxPX, .fenced, .redlock])).run()
        #expect(outcome.environmentError == nil)
        expectAllGone(outcome.processes)
        #expect(outcome.rows.map(\.algorithm) == ["setnx-px", "fenced", "redlock"])
        #expect(outcome.notes.contains { $0.contains("worker") }, "the skipped SIGSTOP variant is noted")
        for row in outcome.rows {
            #expect(row.variant == "in-process")
            #expect(row.overlaps == 1, "\(describe(row))")
            #expect(row.doubleGrants == 0, "the contender is granted only after the lease ran out: \(describe(row))")
            #expect(row.confirmed, "\(describe(row))")
            if row.algorithm == "fenced" {
                #expect(row.staleWritesRejected == 1 && row.staleWritesAccepted == 0, "\(describe(row))")
            } else {
                #expect(row.staleWritesAccepted == 1 && row.staleWritesRejected == 0, "\(describe(row))")
            }
        }
    }

    @Test("SIGSTOP of a real worker process (hiredis): same outcome, and the worker is gone afterwards")
    func sigstopWorker() async throws {
        let executable = try #require(benchExecutable, "build the bench product first (swift build --build-tests)")
        let rows = try await withChaosRun(plan(.clientPause, client: .hiredis, worker: true)) { run throws(ChaosEnvironmentError) in
            [try await run.clientPauseWorker(.setnxPX, .hiredis, executable: executable),
             try await run.clientPauseWorker(.fenced, .hiredis, executable: executable)]
        }
        #expect(rows[0].overlaps == 1 && rows[0].staleWritesAccepted == 1 && rows[0].confirmed, "\(describe(rows[0]))")
        #expect(rows[1].overlaps == 1 && rows[1].staleWritesRejected == 1 && rows[1].staleWritesAccepted == 0 && rows[1].confirmed,
                "\(describe(rows[1]))")
        #expect(rows.allSatisfy { $0.variant == "sigstop-worker" && $0.doubleGrants == 0 })
    }
}
