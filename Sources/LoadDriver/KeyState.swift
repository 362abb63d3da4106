import Locks

/// What the driver knows about one lock key: its witness, hand-off clock and arrival order. With the
/// `fixed` key layout every contender of a key lives on one lane, which keeps this in a plain array;
/// with a drawn key `SharedKeys` puts it behind a lock.
struct KeyState {
    /// Contenders currently holding the key, by the driver's own account, and their leases.
    var witness = LeaseWitness()
    /// When the last holder started its release while another contender was already waiting for the
    /// key (0: no hand-off pending). A release nobody waits for starts no hand-off: the gap to the next
    /// grant would be idle time between arrivals, not the lock passing from one holder to the next.
    var releasedAt: UInt64 = 0
    /// The fenced resource's rule, applied to the writes holders make with their tokens.
    var fence = FenceHighWater()
    /// Arrival sequence numbers of waiting contenders, oldest first (lazy removal via `gone`).
    var waiting: [UInt64] = []
    var waitingHead = 0
    var gone: Set<UInt64> = []
    /// The last arrival number handed out. Per key, not per lane: contenders of several lanes may
    /// arrive at one key, and only the order on the key matters.
    var lastArrival: UInt64 = 0

    /// A holder enters the witness: returns how many were already inside, how many of those were
    /// still within their lease, and the hand-off time since a release that someone was waiting at (nil
    /// if none pending).
    mutating func enter(_ contender: Int, validUntil: UInt64, now: UInt64) -> (inside: Int, stillValid: Int, handoffNanos: UInt64?) {
        let entry = witness.enter(UInt64(contender), validUntilNanos: validUntil, now: now)
        var handoff: UInt64?
        if releasedAt != 0 {
            handoff = now &- releasedAt
            releasedAt = 0
        }
        return (entry.inside, entry.stillValid, handoff)
    }

    /// A holder leaves, writing with its fencing token if it has one; returns true when that write was
    /// stale (a higher token had already been seen) and so rejected.
    mutating func exit(_ contender: Int, fence token: Int64?, now: UInt64) -> Bool {
        var stale = false
        if let token { stale = !fence.accept(token) }
        witness.exit(UInt64(contender))
        releasedAt = hasWaiter ? now : 0
        return stale
    }

    /// Whether a contender is waiting for the key (has arrived and not yet been granted or given up).
    var hasWaiter: Bool {
        mutating get {
            skipGone()
            return waitingHead < waiting.count
        }
    }

    /// A contender starts waiting for the key; returns its arrival number, to `leave` with.
    mutating func arrive() -> UInt64 {
        lastArrival += 1
        waiting.append(lastArrival)
        return lastArrival
    }

    /// Removes `seq` from the waiters; returns true when an older waiter was still waiting (an inversion).
    mutating func leave(_ seq: UInt64) -> Bool {
        skipGone()
        let inversion = waitingHead < waiting.count && waiting[waitingHead] != seq
        if waitingHead < waiting.count && waiting[waitingHead] == seq {
            waitingHead += 1
        } else {
            gone.insert(seq)
        }
        skipGone()
        if waitingHead > 1024 && waitingHead * 2 > waiting.count {
            waiting.removeFirst(waitingHead)
            waitingHead = 0
        }
        return inversion
    }

    private mutating func skipGone() {
        if gone.isEmpty { return }
        while waitingHead < waiting.count, gone.remove(waiting[waitingHead]) != nil {
            waitingHead += 1
        }
    }
}
