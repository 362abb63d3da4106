import Dispatch

/// Identifies one scheduled callback of a `TimerWheel`, for `cancel(_:)`.
public struct TimerHandle: Hashable, Sendable {
    /// Unique per wheel, never reused.
    public let id: UInt64
}

/// A hashed timer wheel on one serial queue: thousands of sleeping waiters cost one `DispatchSourceTimer`.
///
/// One repeating source on `queue` ticks every `tickNanos`; a callback due at tick `t` sits in slot
/// `t % slotCount` and runs on the first tick at or after its deadline (so at most one tick late, plus
/// whatever the queue itself is late). When nothing is pending the source is suspended: an idle queue
/// costs no wake-ups. Callbacks due on the same tick run urgent ones first, then in deadline order, then
/// schedule order: a queue that fell behind ends due holds before it starts the retries that wait on them.
///
/// Confined to `queue`: `schedule`, `cancel` and the callbacks all run there.
public final class TimerWheel: @unchecked Sendable {
    // @unchecked: every mutable member is touched only on `queue` (the source's handler runs there, and
    // callers must be on it: checked with `dispatchPrecondition` in debug builds).

    /// The queue that owns the wheel and runs its callbacks.
    public let queue: DispatchQueue
    /// Tick length in nanoseconds.
    public let tickNanos: UInt64

    private struct Entry {
        let id: UInt64
        let dueNanos: UInt64
        let dueTick: UInt64
        let urgent: Bool
        let callback: () -> Void
    }

    private var slots: [[Entry]]
    private var live = Set<UInt64>()
    private var nextID: UInt64 = 1
    private var lastTick: UInt64 = 0
    private let source: DispatchSourceTimer
    private var running = false
    private var invalidated = false

    /// Makes an idle wheel on `queue`; `tickNanos` defaults to 1 ms, `slotCount` to 1,024.
    public init(queue: DispatchQueue, tickNanos: UInt64 = 1_000_000, slotCount: Int = 1_024) {
        precondition(tickNanos > 0 && slotCount > 0, "TimerWheel needs a positive tick and slot count")
        self.queue = queue
        self.tickNanos = tickNanos
        self.slots = Array(repeating: [], count: slotCount)
        self.source = DispatchSource.makeTimerSource(queue: queue)
        let interval = DispatchTimeInterval.nanoseconds(Int(tickNanos))
        source.schedule(deadline: .now() + interval, repeating: interval, leeway: .nanoseconds(Int(tickNanos / 10)))
        source.setEventHandler { [weak self] in self?.tick() }
    }

    deinit {
        // A suspended source must be resumed before it is released, or Dispatch traps.
        if !running && !invalidated { source.resume() }
        source.cancel()
    }

    /// How many callbacks are scheduled and not yet run or cancelled.
    public var pendingCount: Int { live.count }

    /// Whether the tick source is running (false when idle or invalidated).
    public var isTicking: Bool { running }

    /// Runs `callback` on `queue` once, `afterNanos` from now (rounded up to the next tick). `urgent`
    /// callbacks (a holder's release) run before the others due on the same tick, whatever their deadlines.
    @discardableResult
    public func schedule(afterNanos: UInt64, urgent: Bool = false, _ callback: @escaping () -> Void) -> TimerHandle {
        assertOnQueue()
        let id = nextID
        nextID &+= 1
        guard !invalidated else { return TimerHandle(id: id) }
        let now = LockClock.monotonicNanos()
        let due = now &+ afterNanos
        if live.isEmpty {
            // Idle until now: nothing older than this tick is pending, so start counting from here.
            lastTick = now / tickNanos
        }
        var dueTick = (due + tickNanos - 1) / tickNanos
        if dueTick <= lastTick { dueTick = lastTick + 1 }
        slots[Int(dueTick % UInt64(slots.count))].append(Entry(id: id, dueNanos: due, dueTick: dueTick, urgent: urgent, callback: callback))
        live.insert(id)
        if !running {
            running = true
            source.resume()
        }
        return TimerHandle(id: id)
    }

    /// Cancels a callback that has not run yet; cancelling one that ran or was cancelled does nothing.
    public func cancel(_ handle: TimerHandle) {
        assertOnQueue()
        // The entry stays in its slot and is skipped when reached: O(1) here, no search.
        live.remove(handle.id)
        if live.isEmpty { purgeAndIdle() }
    }

    /// Stops the wheel for good: pending callbacks never run, later `schedule`s are ignored.
    public func invalidate() {
        assertOnQueue()
        guard !invalidated else { return }
        invalidated = true
        live.removeAll()
        for i in slots.indices { slots[i].removeAll() }
        if !running { source.resume() }
        running = false
        source.cancel()
    }

    private func tick() {
        guard running else { return }
        let nowTick = LockClock.monotonicNanos() / tickNanos
        guard nowTick > lastTick else { return }
        // Catch up every tick missed while the queue was busy, but visit each slot at most once.
        let steps = min(nowTick - lastTick, UInt64(slots.count))
        let firstTick = nowTick - steps + 1
        var due: [Entry] = []
        for t in firstTick...nowTick {
            let index = Int(t % UInt64(slots.count))
            guard !slots[index].isEmpty else { continue }
            var keep: [Entry] = []
            for entry in slots[index] {
                guard live.contains(entry.id) else { continue }
                // dueTick is rounded up, so a callback never runs before its deadline.
                if entry.dueTick <= nowTick {
                    due.append(entry)
                } else {
                    keep.append(entry)
                }
            }
            slots[index] = keep
        }
        lastTick = nowTick
        if due.count > 1 {
            due.sort {
                if $0.urgent != $1.urgent { return $0.urgent }
                return $0.dueNanos != $1.dueNanos ? $0.dueNanos < $1.dueNanos : $0.id < $1.id
            }
        }
        for entry in due {
            // A callback may cancel a later one due on this same tick.
            guard live.remove(entry.id) != nil else { continue }
            entry.callback()
        }
        if live.isEmpty { purgeAndIdle() }
    }

    private func purgeAndIdle() {
        for i in slots.indices where !slots[i].isEmpty { slots[i].removeAll(keepingCapacity: true) }
        if running {
            running = false
            source.suspend()
        }
    }

    @inline(__always)
    private func assertOnQueue() {
        #if DEBUG
        dispatchPrecondition(condition: .onQueue(queue))
        #endif
    }
}
