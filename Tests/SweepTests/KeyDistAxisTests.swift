import Harness
import LoadDriver
import Reports
import Sweep
import Testing

/// `--key-dist` as a sweep axis: each cell sets it, cells of different distributions are different
/// cells for `--resume`, and rows written before the column existed read as `fixed`.
@Suite struct KeyDistAxisTests {
    @Test func eachCellSetsItsDistribution() throws {
        let grid = try SweepGrid(lists: [.keyDist: "fixed,zipf:0.99,hotspot:20%/80%", .contenders: "10"])
        let dists = try grid.cells.map { try $0.settings(base: ScenarioSettings()).0.keyDist }
        #expect(dists == ["fixed", "zipf:0.99", "hotspot:20%/80%"])
        #expect(grid.cells[1].label(showing: grid.varying) == "key-dist=zipf:0.99")
    }

    @Test func distributionsAreDifferentCells() throws {
        let plan = try SweepPlan.make(grid: try SweepGrid(lists: [.keyDist: "fixed,uniform"]), base: ScenarioSettings())
        #expect(plan.cells.count == 2)
        #expect(plan.cells[0].key != plan.cells[1].key)
        #expect(plan.cells[1].scenario.keyDist == .uniform)
    }

    @Test func aBadDistributionIsRefusedNamingTheFlag() {
        #expect {
            try SweepPlan.make(grid: try SweepGrid(lists: [.keyDist: "zipf:1.5"]), base: ScenarioSettings())
        } throws: { error in
            "\(error)".contains("--key-dist 'zipf:1.5'")
        }
    }

    @Test func aRowWithoutTheColumnIsTheFixedCell() throws {
        let fixed = SweepFixtures.result(SweepFixtures.scenario(), runID: "a")
        var cells = SummaryRow(fixed).cells
        #expect(cells["key_dist"] == "fixed")
        let key = SummaryRow(cells: cells).scenarioKey
        cells["key_dist"] = nil
        #expect(SummaryRow(cells: cells).scenarioKey == key)
        cells["key_dist"] = "uniform"
        #expect(SummaryRow(cells: cells).scenarioKey != key)
    }
}
