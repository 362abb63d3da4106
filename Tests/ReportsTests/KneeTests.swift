import Reports
import Stats
import Testing

/// The knee of series built from summary rows, and its table.
@Suite struct KneeTests {
    let slo = KneeCriteria(sloUs: 50_000, maxErrorRate: 0.01)

    @Test func theKneeTextSaysWhichSideOfTheGridTheKneeIsOn() {
        let below = Knee(status: .noneUnderSLO, firstFailing: KneePoint(load: 10, p99Us: 60_000, errorRate: 0))
        #expect(KneeTable.kneeText(below) == "< 10")
        let above = Knee(status: .allUnderSLO, knee: KneePoint(load: 1_000, p99Us: 49_000, errorRate: 0))
        #expect(KneeTable.kneeText(above) == "≥ 1,000")
    }

    @Test func mediansOverRepeatsDecide() {
        // At 100 contenders the repeats' p99s are 30, 90 and 45 ms: the median, 45, passes a 50 ms SLO.
        var rows: [SummaryRow] = []
        for (n, (contenders, p99Ms)) in [(10, 5.0), (10, 7), (100, 30), (100, 90), (100, 45), (1_000, 70), (1_000, 40), (1_000, 80)].enumerated() {
            rows.append(ReportRows.row(run: n, contenders: contenders, p99Ms: p99Ms))
        }
        let knees = SeriesKnee.all(rows, criteria: slo)
        #expect(knees.count == 1)
        #expect(knees[0].knee.knee?.load == 100)
        #expect(knees[0].knee.knee?.p99Us == 45_000)
        #expect(knees[0].knee.firstFailing?.load == 1_000)
        #expect(knees[0].points.map(\.repeats) == [2, 3, 3])
        #expect(knees[0].knee.knee?.repeats == 3)
    }

    @Test func partialRowsAreLeftOut() {
        let rows = [
            ReportRows.row(run: 0, contenders: 10, p99Ms: 5),
            ReportRows.row(run: 1, contenders: 100, p99Ms: 5, partial: true),
            ReportRows.row(run: 2, contenders: 1_000, p99Ms: 500),
        ]
        let knee = SeriesKnee.all(rows, criteria: slo)[0]
        #expect(knee.points.map(\.load) == [10, 1_000])
        #expect(knee.knee.knee?.load == 10)
    }

    @Test func openLoopIsJudgedOnTheCorrectedP99() {
        let rows = [
            ReportRows.row(run: 0, rate: 1_000, p99Ms: 1, correctedP99Ms: 2),
            ReportRows.row(run: 1, rate: 2_000, p99Ms: 1, correctedP99Ms: 300),
        ]
        let knee = SeriesKnee.all(rows, criteria: slo)[0]
        #expect(knee.series.loadAxis == .rate)
        #expect(knee.knee.knee?.load == 1_000)
        #expect(knee.knee.firstFailing?.p99Us == 300_000)
    }

    @Test func theTableAndCSVCarryTheKnee() throws {
        let rows = [ReportRows.row(run: 0, contenders: 10, p99Ms: 5), ReportRows.row(run: 1, contenders: 100, p99Ms: 500)]
        let knees = SeriesKnee.all(rows, criteria: slo)
        let text = KneeTable.render(knees, criteria: slo)
        #expect(text.contains("setnx-px/backoff native"))
        #expect(text.contains("50 ms"))
        #expect(text.contains("500 ms"))
        let cells = KneeTable.cells(knees)
        #expect(cells[1][2] == "10")
        #expect(cells[1][5] == "100")
    }
}

/// Summary rows with only the columns the knee and series need.
enum ReportRows {
    static func row(
        run: Int, client: String = "native", algorithm: String = "setnx-px", contenders: Int = 100, keys: Int? = nil,
        rate: Double? = nil, p99Ms: Double, correctedP99Ms: Double? = nil, acquisitions: Int = 1_000, failed: Int = 0,
        partial: Bool = false, host: String = "bench-1"
    ) -> SummaryRow {
        var cells = [
            "run_id": "run-\(run)", "host": host, "time": "2026-04-11T15:30:\(10 + run)Z", "client": client, "algorithm": algorithm,
            "wait": "backoff", "contenders": "\(contenders)", "keys": "\(keys ?? max(1, contenders / 10))",
            "mode": rate == nil ? "closed" : "open", "rate": rate.map { "\($0)" } ?? "", "endpoints": "127.0.0.1:\(6000 + run)",
            "seed": "\(run)", "acquisitions": "\(acquisitions)", "acquisitions_per_s": "\(acquisitions / 3)",
            "failed_acquires": "\(failed)", "errors": "0", "acquire_p50_us": "\(p99Ms * 100)", "acquire_p99_us": "\(p99Ms * 1_000)",
            "acquire_p999_us": "\(p99Ms * 2_000)", "partial": partial ? "true" : "false", "error": "",
        ]
        if let correctedP99Ms { cells["acquire_co_p99_us"] = "\(correctedP99Ms * 1_000)" }
        return SummaryRow(cells: cells)
    }
}
