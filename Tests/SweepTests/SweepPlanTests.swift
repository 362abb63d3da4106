import Harness
import Sweep
import Testing

/// Invalid combinations are skipped with a note; a value no cell can use is refused.
@Suite struct SweepPlanTests {
    func plan(_ lists: [SweepAxis: String]) throws(SweepGridError) -> SweepPlan {
        try SweepPlan.make(grid: try SweepGrid(lists: lists), base: ScenarioSettings())
    }

    @Test func redlockTimesFifoIsSkippedWithTheReason() throws {
        let plan = try plan([.algorithm: "setnx-px,redlock", .wait: "backoff,fifo", .contenders: "10,100"])
        #expect(plan.cells.count == 6)
        #expect(plan.skipped.count == 2)
        #expect(plan.skipped.allSatisfy { $0.label.hasPrefix("redlock/fifo") && $0.reason.contains("--wait 'fifo'") })
        #expect(plan.cells.map(\.index) == Array(0..<6))
        // Redlock is in the grid: the one embedded fleet needs its 5 masters.
        #expect(plan.embeddedServers == 5)
        #expect(try self.plan([.contenders: "10"]).embeddedServers == 1)
    }

    @Test func aValueNoCellCanUseIsRefusedNamingIt() {
        #expect {
            try plan([.contenders: "10,ten"])
        } throws: { error in
            "\(error)".contains("--contenders 'ten'")
        }
        #expect {
            try plan([.algorithm: "setnx-px,zookeeper"])
        } throws: { error in
            "\(error)".hasPrefix("--algorithm 'zookeeper' is invalid")
        }
        // 40 fixed keys cannot serve 10 contenders in any cell: the contender value is refused.
        #expect {
            try plan([.keys: "40", .contenders: "10,100"])
        } throws: { error in
            "\(error)".contains("--contenders '10'") && "\(error)".contains("--keys '40'")
        }
    }

    @Test func oneReasonForEveryCellIsReportedAlone() {
        // Every cell fails the same way (a single-valued axis is wrong): just that message.
        #expect {
            try plan([.algorithm: "redlock", .wait: "fifo", .contenders: "10,100"])
        } throws: { error in
            "\(error)" == "--wait 'fifo' is invalid: redlock supports spin, fixed, backoff."
        }
    }

    @Test func cellKeysIgnoreEndpointsAndSeed() throws {
        let plan = try plan([.contenders: "10,100"])
        let a = SweepFixtures.result(plan.cells[0].scenario, runID: "a", port: 6400)
        let b = SweepFixtures.result(plan.cells[0].scenario, runID: "b", port: 7400)
        #expect(SummaryRowKey.of(a) == plan.cells[0].key)
        #expect(SummaryRowKey.of(b) == plan.cells[0].key)
        #expect(plan.cells[0].key != plan.cells[1].key)
    }
}
