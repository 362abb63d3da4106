import BenchMetrics
import Foundation
import Testing

/// When a run is marked client-bound, and that the harness figures merge and survive JSON.
@Suite("HarnessLoad")
struct HarnessLoadTests {
    private func recorder(lateMs: UInt64, timers: Int = 100, holdMs: UInt64 = 1, actualHoldMs: UInt64 = 1, arrivals: Int = 0, waited: Int = 0) -> HarnessRecorder {
        var r = HarnessRecorder()
        for _ in 0..<timers { r.recordTimer(lateNanos: lateMs * 1_000_000) }
        r.recordHold(requestedNanos: holdMs * 1_000_000, actualNanos: actualHoldMs * 1_000_000)
        for n in 0..<arrivals { r.recordArrival(waited: n < waited) }
        return r
    }

    @Test("timers on time and holds as asked: not client-bound")
    func healthyRun() {
        let load = HarnessLoad(recorder(lateMs: 1, holdMs: 1, actualHoldMs: 2, arrivals: 1_000, waited: 5))
        #expect(!load.clientBound)
        #expect(load.reason == nil)
        #expect(load.holdStretch == 2)
    }

    @Test("late timers mark the run client-bound, with the lateness in the reason")
    func lateTimers() {
        let load = HarnessLoad(recorder(lateMs: 40))
        #expect(load.clientBound)
        #expect(load.reason?.contains("timer wheel p99 late by 40 ms") == true)
    }

    @Test("stretched holds mark the run client-bound, with the stretch in the reason")
    func stretchedHolds() {
        let load = HarnessLoad(recorder(lateMs: 0, holdMs: 1, actualHoldMs: 12))
        #expect(load.clientBound)
        #expect(load.reason?.contains("holds ran 12× their requested length") == true)
    }

    @Test("open-loop arrivals that waited for a contender mark the run client-bound")
    func waitedArrivals() {
        let load = HarnessLoad(recorder(lateMs: 0, arrivals: 1_000, waited: 100))
        #expect(load.clientBound)
        #expect(load.arrivalsWaited == 100)
        #expect(load.reason?.contains("10% of arrivals waited") == true)
    }

    @Test("the harness figures merge by addition and round-trip through JSON in the queue recorder")
    func mergesAndCodes() throws {
        var a = recorder(lateMs: 2, timers: 10, arrivals: 10, waited: 1)
        let b = recorder(lateMs: 3, timers: 5, arrivals: 4, waited: 4)
        a.merge(b)
        #expect(a.timerLateness.count == 15)
        #expect(a.arrivals == 14 && a.arrivalsWaited == 5)
        #expect(a.holdOverrun.count == 2)

        var queue = QueueRecorder(contenders: 1, windowStartNanos: 0)
        queue.harness = a
        let decoded = try JSONDecoder().decode(QueueRecorder.self, from: JSONEncoder().encode(queue))
        #expect(decoded == queue)
    }
}
