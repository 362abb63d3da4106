import Harness
import Sweep
import Testing

/// Comma lists become a grid; bad lists are refused with the flag and the value named.
@Suite struct SweepGridTests {
    @Test func cellsAreTheProductWithTheLoadVaryingFastest() throws {
        let grid = try SweepGrid(lists: [.contenders: "10,100,1000", .algorithm: "setnx-px,redlock", .client: "both"])
        let cells = grid.cells
        #expect(cells.count == 12)
        #expect(cells[0].values == [.algorithm: "setnx-px", .client: "native", .contenders: "10", .contention: "10"])
        #expect(cells[1].values[.contenders] == "100")
        #expect(cells[3].values[.client] == "hiredis")
        #expect(cells[6].values[.algorithm] == "redlock")
        #expect(grid.varying == [.algorithm, .client, .contenders])
        #expect(cells[1].label(showing: grid.varying) == "setnx-px native contenders=100")
    }

    @Test("the topology axis gives each cell its deployment and leads the label")
    func topologyAxis() throws {
        let grid = try SweepGrid(lists: [.topology: "standalone,cluster:3x0,sentinel:1x1", .algorithm: "setnx-px"])
        let plan = try SweepPlan.make(grid: grid, base: ScenarioSettings())
        #expect(plan.cells.map(\.scenario.deployment.topologyName) == ["standalone", "cluster:3x0", "sentinel:1x1"])
        #expect(plan.cells[1].label == "cluster:3x0 setnx-px")
        #expect(throws: SweepGridError.self) { try SweepPlan.make(grid: try SweepGrid(lists: [.topology: "ring:3"]), base: ScenarioSettings()) }
    }

    @Test func contentionSetsKeysPerCell() throws {
        var base = ScenarioSettings()
        base.duration = "3s"
        let grid = try SweepGrid(lists: [.contenders: "1,10,95"])
        let keys = try grid.cells.map { cell -> Int in
            let (settings, _) = try cell.settings(base: base)
            #expect(settings.duration == "3s", "base settings carry into every cell")
            return settings.keys
        }
        // One key per 10 contenders, rounded up, at least one.
        #expect(keys == [1, 1, 10])
        let fixed = try SweepGrid(lists: [.contenders: "10,100", .keys: "1"])
        #expect(fixed.axes[.contention] == nil)
        let cell = try fixed.cells[1].settings(base: ScenarioSettings()).0
        #expect(cell.keys == 1 && cell.contenders == 100)
        // Without a contenders axis the base scenario's count is used.
        let perKey = try SweepGrid(lists: [.contention: "4"])
        #expect(try perKey.cells[0].settings(base: ScenarioSettings()).0.keys == 100)
    }

    @Test func axisValuesAreTypedOnce() throws {
        let grid = try SweepGrid(lists: [.algorithm: "redlock", .wait: "fifo", .client: "hiredis", .hold: "exp:2ms", .rate: "500"])
        let (settings, client) = try grid.cells[0].settings(base: ScenarioSettings())
        #expect(settings.algorithm == .redlock && settings.wait == .fifo && client == .hiredis)
        #expect(settings.hold == "exp:2ms" && settings.rate == 500)
        #expect(throws: ScenarioSettingsError.self) { try SweepGrid(lists: [.algorithm: "zookeeper"]).cells[0].settings(base: ScenarioSettings()) }
    }

    @Test func bothMeansTheTwoClients() throws {
        let grid = try SweepGrid(lists: [.client: "both"])
        #expect(grid.axes[.client] == ["native", "hiredis"])
        #expect(throws: SweepGridError.self) { try SweepGrid(lists: [.client: "native,both"]) }
    }

    static let bad: [(lists: [SweepAxis: String], mentions: [String])] = [
        ([.contenders: "10,,100"], ["--contenders", "10,,100", "empty item"]),
        ([.contenders: "10,100,"], ["--contenders", "empty item"]),
        ([.algorithm: "redlock,redlock"], ["--algorithm", "redlock", "twice"]),
        ([.contention: "0"], ["--contention", "'0'", "whole number"]),
        ([.contention: "2.5"], ["--contention", "'2.5'"]),
        ([.keys: "1", .contention: "10"], ["--keys", "--contention", "alternatives"]),
    ]

    @Test("bad lists name the flag and the value", arguments: bad.indices)
    func refused(index: Int) {
        let (lists, mentions) = Self.bad[index]
        do {
            _ = try SweepGrid(lists: lists)
            Issue.record("\(lists) was accepted")
        } catch {
            for word in mentions { #expect(error.message.contains(word), "'\(error.message)' lacks '\(word)'") }
        }
    }
}
