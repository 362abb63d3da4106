@testable import LoadDriver
import Testing

/// KeyState's arrival order and hand-off clock, on orders built by hand.
@Suite("KeyState")
struct KeyStateTests {
    @Test("served in arrival order: no FIFO inversion")
    func inOrderHasNoInversion() {
        var key = KeyState()
        #expect((1...4).map { _ in key.arrive() } == [1, 2, 3, 4])
        #expect((1...4).map { key.leave(UInt64($0)) } == [false, false, false, false])
    }

    @Test("a later arrival served first counts one inversion per overtaking, and the overtaken leave cleanly")
    func overtakingCountsInversions() {
        var key = KeyState()
        #expect((1...4).map { _ in key.arrive() } == [1, 2, 3, 4])
        // 3 overtakes 1 and 2; then 1 is oldest (no inversion); 4 overtakes 2; then 2 is alone.
        #expect(key.leave(3) == true)
        #expect(key.leave(1) == false)
        #expect(key.leave(4) == true)
        #expect(key.leave(2) == false)
        let stillWaiting = key.hasWaiter
        #expect(!stillWaiting)
    }

    @Test("a handoff is timed only from a release someone was waiting at")
    func handoffNeedsAWaiter() {
        var key = KeyState()
        // Alone: enter, leave the waiters, release with nobody waiting, then enter again much later.
        #expect(key.arrive() == 1)
        _ = key.leave(1)
        #expect(key.enter(0, validUntil: .max, now: 100).handoffNanos == nil)
        _ = key.exit(0, fence: nil, now: 200)
        #expect(key.arrive() == 2)
        _ = key.leave(2)
        #expect(key.enter(1, validUntil: .max, now: 5_000).handoffNanos == nil)

        // Contended: contender 2 arrives while 1 holds; 1 releases at 6,000; 2 is granted at 6,040.
        #expect(key.arrive() == 3)
        _ = key.exit(1, fence: nil, now: 6_000)
        _ = key.leave(3)
        #expect(key.enter(2, validUntil: .max, now: 6_040).handoffNanos == 40)
    }

    @Test("a waiter that gave up before the release starts no handoff")
    func goneWaiterIsNotWaiting() {
        var key = KeyState()
        #expect(key.arrive() == 1)
        _ = key.leave(1)
        _ = key.enter(0, validUntil: .max, now: 10)
        #expect(key.arrive() == 2)
        _ = key.leave(2)  // timed out while 0 held the key
        _ = key.exit(0, fence: nil, now: 20)
        #expect(key.arrive() == 3)
        _ = key.leave(3)
        #expect(key.enter(1, validUntil: .max, now: 90).handoffNanos == nil)
    }
}
