import Dispatch
import Foundation
import Locks
import Testing
import TestSupport

/// The driver schedules hold ends as urgent: on a queue that fell behind, they run before the retries
/// and think times that came due earlier, so a busy client does not stretch holds further.
@Suite("Timer wheel order")
struct WheelOrderTests {
    @Test("on a late tick, urgent callbacks run before earlier-due ordinary ones")
    func urgentFirst() async {
        let order = Collector<String>()
        let wheel = TimerWheel(queue: DispatchQueue(label: "lockbench.test.wheel.urgent"))
        wheel.queue.async {
            wheel.schedule(afterNanos: 1_000_000) { order.append("retry") }
            wheel.schedule(afterNanos: 2_000_000) { order.append("think") }
            wheel.schedule(afterNanos: 3_000_000, urgent: true) { order.append("release") }
            // Keep the queue busy past all three deadlines, so they come due on one (late) tick.
            Thread.sleep(forTimeInterval: 0.02)
        }
        #expect(await order.wait(for: 3))
        #expect(order.items == ["release", "retry", "think"])
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            wheel.queue.async {
                wheel.invalidate()
                done.resume()
            }
        }
    }
}
