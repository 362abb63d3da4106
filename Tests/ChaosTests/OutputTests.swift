import TestSupport
import Chaos
import Foundation
import LoadDriver
import Reports
import Testing

/// The safety table's three forms: terminal, CSV, JSON.
@Suite("safety table outputs")
struct OutputTests {
    static let rows = [
        SafetyRow(scenario: "failover", variant: "async, replica behind, REPLICAOF NO ONE", algorithm: "fenced", client: "native",
                  trials: 2, acquisitions: 4, overlaps: 2, staleWritesRejected: 0, staleWritesAccepted: 2, wrongOwnerDeletes: 0,
                  doubleGrants: 2, failedAcquisitions: 0, unavailabilityMs: 2.5, predicted: "double grant", confirmed: true,
                  verdict: "Failover lost the lock, \"twice\", in 2/2 trials."),
        SafetyRow(scenario: "network", variant: "connection resets (CLIENT KILL x3)", algorithm: "setnx-px", client: "hiredis",
                  trials: 1, acquisitions: 300, overlaps: 0, staleWritesRejected: 0, staleWritesAccepted: 0, wrongOwnerDeletes: 0,
                  doubleGrants: 0, failedAcquisitions: 10, unavailabilityMs: 512, predicted: "errors counted", confirmed: false,
                  verdict: "2 contenders stuck."),
    ]

    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("lockbench-chaos-\(UUID().uuidString)-\(name)").path
    }

    @Test("terminal: one aligned line per row, its verdict under it, unconfirmed rows marked")
    func terminal() throws {
        let lines = SafetyTable.render(Self.rows).split(separator: "\n").map(String.init)
        #expect(lines.count == 2 + 2 * Self.rows.count)
        let header = lines[0]
        let resultColumn = try #require(header.range(of: "result")).lowerBound.utf16Offset(in: header)
        for line in [lines[2], lines[4]] {
            let marks = ["confirmed", "NOT CONFIRMED"].compactMap { line.range(of: $0)?.lowerBound.utf16Offset(in: line) }
            #expect(marks.first == resultColumn, "the result column is aligned: \(line)")
        }
        #expect(lines[4].hasSuffix("NOT CONFIRMED"))
        #expect(lines[3] == "    " + Self.rows[0].verdict)
    }

    @Test("CSV: header written once, rows appended, quoting survives a round trip; a foreign header is refused")
    func csv() throws {
        let path = Self.temporaryPath("safety.csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let identity = RunIdentity.current(redisVersion: "7.0.15")
        try SafetyFiles.appendCSV(Self.rows, identity: identity, to: path)
        try SafetyFiles.appendCSV(Self.rows, identity: identity, to: path)
        let records = try CSVText.parse(String(contentsOfFile: path, encoding: .utf8))
        #expect(records.count == 1 + 2 * Self.rows.count)
        #expect(records[0] == SafetyFiles.csvHeader)
        let verdict = try #require(SafetyFiles.csvHeader.firstIndex(of: "verdict"))
        #expect(records[1][verdict] == Self.rows[0].verdict)
        #expect(records[2][SafetyFiles.csvHeader.firstIndex(of: "confirmed")!] == "false")

        let foreign = Self.temporaryPath("foreign.csv")
        defer { try? FileManager.default.removeItem(atPath: foreign) }
        try "run_id,client\n1,native\n".write(toFile: foreign, atomically: true, encoding: .utf8)
        #expect(throws: SafetyFileError.self) { try SafetyFiles.preflightCSV(foreign) }
    }

    @Test("JSON is exactly [SafetyRow] and reads back equal")
    func json() throws {
        let path = Self.temporaryPath("safety.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SafetyFiles.writeJSON(Self.rows, to: path)
        #expect(try SafetyFiles.readJSON(path) == Self.rows)
        let decoded = try JSONDecoder().decode([SafetyRow].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(decoded == Self.rows)
    }

    @Test("a plan that runs nothing is refused with what to use instead")
    func planValidation() {
        #expect(throws: ChaosPlanError.self) { try ChaosPlan(scenarios: [.redlockRestart], algorithms: [.setnxPX]).validate() }
        #expect(throws: ChaosPlanError.self) { try ChaosPlan(trials: 0).validate() }
        #expect(throws: Never.self) { try ChaosPlan(scenarios: [.clientPause], algorithms: [.naiveGetdel]).validate() }
    }
}
