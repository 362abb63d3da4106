import Foundation
import LoadDriver
import RedisConnection
import Reports
import Testing

/// Sentinel failovers in the outputs: the CSV's worst window and sums, the summary rows, every
/// failover in the JSON; nothing for topologies whose primary cannot move.
@Suite struct FailoverReportTests {
    static let old = Endpoint.tcp(host: "127.0.0.1", port: 6400)
    static let new = Endpoint.tcp(host: "127.0.0.1", port: 6401)

    static func sentinelResult() -> RunResult {
        var result = Fixtures.result()
        result.scenario.deployment = .sentinel(.embedded(replicas: 1, sentinels: 3))
        result.failovers = [
            FailoverWindow(from: old, to: new, noticedAtMs: 1_000, lastGrantBeforeMs: 995, firstGrantAfterMs: 1_005,
                           failedAcquisitions: 2, errors: 3, doubleGrants: 0, oldPrimaryGrants: 1),
            FailoverWindow(from: new, to: old, noticedAtMs: 5_000, lastGrantBeforeMs: 4_200, firstGrantAfterMs: 4_450.5,
                           failedAcquisitions: 40, errors: 41, doubleGrants: 1, oldPrimaryGrants: 0),
        ]
        return result
    }

    static func cells(_ result: RunResult) -> [String: String] {
        Dictionary(uniqueKeysWithValues: zip(CSVWriter.header, CSVWriter.row(result)))
    }

    @Test("the CSV gives the worst window and counts summed over every failover")
    func csv() {
        let row = Self.cells(Self.sentinelResult())
        #expect(row["topology"] == "sentinel:1x1")
        #expect(row["failovers"] == "2")
        #expect(row["failover_unavailable_ms"] == "250.500")
        #expect(row["failover_last_grant_before_ms"] == "4200.000")
        #expect(row["failover_first_grant_after_ms"] == "4450.500")
        #expect(row["failover_failed_acquires"] == "42")
        #expect(row["failover_errors"] == "44")
        #expect(row["failover_double_grants"] == "1")
        #expect(row["failover_old_primary_grants"] == "1")
        let standalone = Self.cells(Fixtures.result())
        for column in CSVWriter.header where column.hasPrefix("failover") { #expect(standalone[column] == "", "\(column)") }
    }

    @Test("a failover no grant followed is the worst one, and its window is left empty")
    func unrecovered() {
        var result = Self.sentinelResult()
        result.failovers?[0].firstGrantAfterMs = nil
        #expect(result.worstFailover?.noticedAtMs == 1_000)
        #expect(Self.cells(result)["failover_unavailable_ms"] == "")
    }

    @Test("the summary shows failover rows for Sentinel runs only; the JSON keeps every failover")
    func summaryAndJSON() throws {
        let text = SummaryTable.render([Self.sentinelResult()])
        #expect(text.contains("failovers followed"))
        #expect(text.contains("250.5"))
        #expect(!SummaryTable.render([Fixtures.result()]).contains("failovers followed"))
        let decoded = try JSONDecoder().decode(RunResult.self, from: try JSONReportWriter.encode([Self.sentinelResult()]))
        #expect(decoded.failovers == Self.sentinelResult().failovers)
    }
}
