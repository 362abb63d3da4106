import Foundation
import Reports
import Harness
import Sweep
import Testing

/// `--resume` finds the runs a stopped sweep finished, by scenario, and redoes only the rest.
@Suite struct SweepResumeTests {
    @Test func completeRunsInTheCSVAreSkippedPartialOnesRedone() throws {
        let plan = try SweepPlan.make(
            grid: try SweepGrid(lists: [.contenders: "10,100,1000", .client: "native,hiredis"]), base: ScenarioSettings())
        #expect(plan.cells.count == 6)
        let dir = NSTemporaryDirectory() + "lockbench-resume-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = dir + "/sweep.csv"
        #expect(try SweepResume.completedRows(csvPath: csv).isEmpty, "a missing file means nothing to skip")

        // The interrupted sweep: cell 0 twice, cell 2 once, cell 4 cut short (partial), on another
        // fleet (other ports) with other seeds than the resumed sweep will use.
        let written = [
            SweepFixtures.result(plan.cells[0].scenario, runID: "r1", port: 6400),
            SweepFixtures.result(plan.cells[2].scenario, runID: "r2", port: 6400),
            SweepFixtures.result(plan.cells[0].scenario, runID: "r3", port: 6500),
            SweepFixtures.result(plan.cells[4].scenario, runID: "r4", partial: true, port: 6500),
        ]
        try CSVWriter.append(written, to: csv)

        let rows = try SweepResume.completedRows(csvPath: csv)
        #expect(rows.map(\.runID) == ["r1", "r2", "r3"])
        let done = SweepResume.done(cells: plan.cells, rows: rows, repeats: 2)
        #expect(done == [2, 0, 1, 0, 0, 0])
        let schedule = SweepSchedule.order(cellCount: plan.cells.count, repeats: 2, done: done, seed: 1)
        #expect(schedule.count == 12 - 3)
        #expect(!schedule.contains { $0.cell == 0 })
        #expect(schedule.filter { $0.cell == 2 }.map(\.round) == [1])
        #expect(schedule.filter { $0.cell == 4 }.count == 2, "the partial run is redone")
        // The knee after resuming covers the earlier rows of these cells.
        #expect(SweepResume.rows(rows, of: plan.cells).count == 3)
    }
}
