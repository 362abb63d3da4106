import Foundation
import Harness
import RedisConnection
import Reports
import Sweep
import Testing
import TestSupport

/// `--tls off,on` as a sweep axis: `on` is `bench run --tls`, hiredis × on is skipped with hiredis's
/// reason, and one sweep runs plain and TLS cells on the same embedded servers.
@Suite struct TLSAxisTests {
    @Test func eachCellSetsTLSAndTheLabelShowsIt() throws {
        let grid = try SweepGrid(lists: [.tls: "off,on", .client: "native", .contenders: "4"])
        let plan = try SweepPlan.make(grid: grid, base: ScenarioSettings())
        #expect(plan.cells.map(\.scenario.connection.tls) == [nil, TLSOptions()])
        #expect(plan.cells.map(\.label) == ["native tls=off contenders=4", "native tls=on contenders=4"])
        // The tls column is part of a cell's identity, so --resume tells the two apart.
        #expect(plan.cells[0].key != plan.cells[1].key)
        #expect(SummaryRow(SweepFixtures.result(plan.cells[1].scenario, runID: "a")).cells["tls"] == "verified")
    }

    @Test("on keeps the TLS flags given (--cacert …); off drops them")
    func onKeepsTheBaseOptions() throws {
        var base = ScenarioSettings()
        base.tls = TLSOptions(serverName: "redis.internal")
        let cells = try SweepGrid(lists: [.tls: "off,on"]).cells
        #expect(try cells.map { try $0.settings(base: base).0.tls } == [nil, TLSOptions(serverName: "redis.internal")])
    }

    @Test func hiredisTimesOnIsSkippedSayingWhy() throws {
        let plan = try SweepPlan.make(grid: try SweepGrid(lists: [.tls: "off,on", .client: "both"]), base: ScenarioSettings())
        #expect(plan.cells.map(\.label) == ["native tls=off", "hiredis tls=off", "native tls=on"])
        #expect(plan.skipped.map(\.label) == ["hiredis tls=on"])
        #expect(plan.skipped.first?.reason.contains("hiredis 0.14 has no TLS") == true, "\(plan.skipped)")
        // `both` with TLS only: native runs, hiredis is a note, as for bench run --client both --tls.
        let tlsOnly = try SweepPlan.make(grid: try SweepGrid(lists: [.tls: "on", .client: "both"]), base: ScenarioSettings())
        #expect(tlsOnly.cells.map(\.scenario.client) == [.native])
        #expect(tlsOnly.skipped.count == 1)
    }

    @Test func hiredisNamedWithTLSOnlyIsRefused() {
        #expect {
            try SweepPlan.make(grid: try SweepGrid(lists: [.tls: "on", .client: "hiredis"]), base: ScenarioSettings())
        } throws: { error in
            "\(error)".contains("--client hiredis --tls") && "\(error)".contains("--client native")
        }
    }

    @Test func badValuesAreRefusedNamingTheFlag() {
        #expect {
            try SweepPlan.make(grid: try SweepGrid(lists: [.tls: "off,maybe"]), base: ScenarioSettings())
        } throws: { error in
            "\(error)".contains("--tls 'maybe'") && "\(error)".contains("off or on")
        }
        #expect(throws: SweepGridError.self) { try SweepGrid(lists: [.tls: "on,on"]) }
    }

    @Test func aSweepFileMayGiveBooleans() throws {
        let file = try SweepFile(json: Data(#"{"tls": [false, true]}"#.utf8), name: "sweep.json")
        #expect(try SweepGrid(lists: file.axes).axes[.tls] == ["off", "on"])
    }

    @Test("plain and TLS cells on standalone and embedded Sentinel share one sweep")
    func plainAndTLSInOneSweep() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("tls.csv").path
        let result = try await runBench([
            "sweep", "--topology", "standalone,sentinel:1x1", "--tls", "off,on", "--client", "native",
            "--contenders", "4", "--duration", "1s", "--warmup", "0.2s", "--csv", csv,
        ], boundSeconds: 180)
        #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
        let rows = try SweepResume.completedRows(csvPath: csv).map(\.cells)
        #expect(rows.count == 4, "\(result.stderr)")
        let cells = Set(rows.map { "\($0["topology"] ?? "?") \($0["tls"] ?? "?")" })
        #expect(cells == ["standalone off", "standalone verified", "sentinel:1x1 off", "sentinel:1x1 verified"])
        for row in rows {
            #expect(row["errors"] == "0", "\(row["topology"] ?? "?") tls \(row["tls"] ?? "?"): \(row["errors"] ?? "?") errors")
            #expect(Int(row["acquisitions"] ?? "") ?? 0 > 0, "\(row["topology"] ?? "?") tls \(row["tls"] ?? "?") granted nothing")
        }
        for child in result.children { #expect(isGone(child), "\(child) outlived the sweep") }
    }
}
