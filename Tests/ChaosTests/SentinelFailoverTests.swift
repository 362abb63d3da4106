@testable import Chaos
import Locks
import RedisFleet
import Reports
import Testing

/// Scenario 7: a Sentinel failover under a load run that follows the primary.
@Suite("sentinel failover", .serialized)
struct SentinelFailoverTests {
    @Test("the load follows SENTINEL FAILOVER and a killed primary to the new primary; the row reports the window")
    func followed() async throws {
        let rows = try await withChaosRun(plan(.sentinelFailover, sentinel: true)) { run throws(ChaosEnvironmentError) in
            [try await run.sentinelFailover(.setnxPX, .native, .planned), try await run.sentinelFailover(.fenced, .native, .killed)]
        }
        for row in rows {
            #expect(row.scenario == "sentinel-failover")
            #expect(row.confirmed, "\(describe(row))")
            #expect(row.verdict.contains("followed +switch-master"), "\(describe(row))")
            #expect(row.acquisitions > 0 && row.unavailabilityMs > 0, "\(describe(row))")
        }
        #expect(rows[0].doubleGrants == 0 && rows[0].overlaps == 0, "\(describe(rows[0]))")
    }

    @Test("without Sentinel variants the scenario is skipped with a note, not run")
    func skippedWithoutSentinel() async throws {
        let outcome = await ChaosRunner(plan: plan(.sentinelFailover, sentinel: false)).run()
        #expect(outcome.rows.isEmpty)
        #expect(outcome.notes.contains { $0.hasPrefix("sentinel-failover: skipped") }, "\(outcome.notes)")
    }
}
