@testable import Chaos
import TestSupport
import Locks
import Reports
import Testing

/// Scenarios 5 and 6: client clock skew and network faults.
@Suite("clock skew and network", .serialized)
struct SkewAndNetworkTests {
    @Test("legacy-getset grants twice when a client clock runs past TTL − hold, not below; setnx-px never")
    func skew() async throws {
        let rows = try await withChaosRun(plan(.clockSkew)) { run throws(ChaosEnvironmentError) in
            [try await run.clockSkew(.legacyGetset, .native, skewMs: 4_000),
             try await run.clockSkew(.legacyGetset, .native, skewMs: 400),
             try await run.clockSkew(.setnxPX, .native, skewMs: 8_000)]
        }
        #expect(rows[0].doubleGrants == 1 && rows[0].wrongOwnerDeletes == 1 && rows[0].confirmed, "\(describe(rows[0]))")
        #expect(rows[1].doubleGrants == 0 && rows[1].confirmed, "\(describe(rows[1]))")
        #expect(rows[2].doubleGrants == 0 && rows[2].confirmed, "\(describe(rows[2]))")
    }

    @Test("connection resets: errors counted, no contender stuck, no overlap, no key left")
    func resets() async throws {
        let row = try await withChaosRun(plan(.network)) { run throws(ChaosEnvironmentError) in
            try await run.network(.setnxPX, .native, .resets)
        }
        #expect(row.confirmed && row.overlaps == 0, "\(describe(row))")
        #expect(row.verdict.contains("0 contenders stuck"), "\(row.verdict)")
        #expect(row.failedAcquisitions > 0, "the resets failed acquisitions in flight: \(describe(row))")
    }

    @Test("a paused server with 200 ms command timeouts (hiredis): timeouts counted, nothing hangs, no key left")
    func pausedServer() async throws {
        let row = try await withChaosRun(plan(.network, algorithms: [.fenced], client: .hiredis)) { run throws(ChaosEnvironmentError) in
            try await run.network(.fenced, .hiredis, .pausedServer)
        }
        #expect(row.confirmed && row.overlaps == 0, "\(describe(row))")
        #expect(row.verdict.contains("timeout"), "\(row.verdict)")
        #expect(row.verdict.contains("0 contenders stuck"), "\(row.verdict)")
    }
}
