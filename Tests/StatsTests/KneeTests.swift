import Stats
import Testing

/// The knee on constructed curves with known answers.
@Suite struct KneeTests {
    let slo = KneeCriteria(sloUs: 50_000, maxErrorRate: 0.01)

    func point(_ load: Double, _ p99Ms: Double?, errors: Double = 0) -> KneePoint {
        KneePoint(load: load, p99Us: p99Ms.map { $0 * 1_000 }, errorRate: errors)
    }

    @Test func theLastPassingLoadBeforeTheFirstFailure() {
        let knee = Knee.find([point(1_000, 120), point(10, 2), point(100, 40)], criteria: slo)
        #expect(knee.status == .found)
        #expect(knee.knee?.load == 100)
        #expect(knee.firstFailing?.load == 1_000)
        #expect(knee.laterPass == nil)
    }

    @Test func theSLOBoundIsInclusive() {
        let knee = Knee.find([point(10, 50), point(100, 50.001)], criteria: slo)
        #expect(knee.knee?.load == 10)
    }

    @Test func noneUnderTheSLO() {
        let knee = Knee.find([point(10, 60), point(100, 80)], criteria: slo)
        #expect(knee.status == .noneUnderSLO)
        #expect(knee.knee == nil)
        #expect(knee.firstFailing?.load == 10)
    }

    @Test func allUnderTheSLO() {
        let knee = Knee.find([point(10, 1), point(100, 2), point(1_000, 49)], criteria: slo)
        #expect(knee.status == .allUnderSLO)
        #expect(knee.knee?.load == 1_000)
        #expect(knee.firstFailing == nil)
    }

    @Test func errorsAboveTheBoundFailALoadWhateverItsLatency() {
        let knee = Knee.find([point(10, 1), point(100, 2, errors: 0.05), point(1_000, 3)], criteria: slo)
        #expect(knee.status == .found)
        #expect(knee.knee?.load == 10)
        #expect(knee.firstFailing?.load == 100)
        // 1,000 passed again after 100 failed: reported, not taken as the knee.
        #expect(knee.laterPass?.load == 1_000)
        #expect(Knee.find([point(10, 1, errors: 0.01)], criteria: slo).status == .allUnderSLO, "the error bound is inclusive")
    }

    @Test func aLoadWithNoGrantsFails() {
        let knee = Knee.find([point(10, 5), point(100, nil, errors: 1)], criteria: slo)
        #expect(knee.knee?.load == 10)
        #expect(knee.firstFailing?.p99Us == nil)
        #expect(Knee.find([], criteria: slo).status == .noData)
    }
}
