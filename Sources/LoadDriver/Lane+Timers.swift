#if canImport(Glibc)
import Glibc
#endif
import Locks

/// The lane's own timers (hold ends, think times, error backoffs, open-loop arrivals), each measured
/// against its deadline: a lane that runs them late is the harness limiting the run (`HarnessLoad`).
extension Lane {
    /// Error backoff floor and cap. The floor is the wheel's tick; the cap keeps a contender retrying
    /// a few times a second, so a server that recovers is noticed within a tenth of a second.
    static let errorBackoffFloorNanos: UInt64 = 1_000_000
    static let errorBackoffCapNanos: UInt64 = 100_000_000

    /// Exponential in the errors in a row, capped, with equal jitter (half fixed, half random): the
    /// fixed half bounds how often one contender can fail, the random half spreads contenders apart.
    func errorBackoffNanos(streak: UInt8) -> UInt64 {
        let shift = UInt64(min(Int(streak) - 1, 16))
        let ceiling = min(Self.errorBackoffCapNanos, Self.errorBackoffFloorNanos << shift)
        let half = ceiling / 2
        return half + UInt64.random(in: 0...half, using: &rng)
    }

    /// A timer of this lane ran at `now`, due at `due`: counted in the window only.
    @inline(__always)
    func noteTimer(due: UInt64, now: UInt64) {
        guard now >= windowStart, now <= windowEnd else { return }
        recorder.harness?.recordTimer(lateNanos: now > due ? now &- due : 0)
    }

    func holdEnded(_ i: Int, due: UInt64) {
        let now = LockClock.monotonicNanos()
        noteTimer(due: due, now: now)
        if let grantedAt = contenders[i].grant?.grantedAtNanos, grantedAt >= windowStart, now <= windowEnd {
            recorder.harness?.recordHold(requestedNanos: contenders[i].holdNanos, actualNanos: now &- grantedAt)
        }
        beginRelease(i, now: now)
    }

    func thinkEnded(_ i: Int, due: UInt64) {
        let now = LockClock.monotonicNanos()
        noteTimer(due: due, now: now)
        beginAcquire(i, intendedAt: 0, now: now)
    }

    func backoffEnded(_ i: Int, due: UInt64) {
        let now = LockClock.monotonicNanos()
        noteTimer(due: due, now: now)
        // Stopped while backing off: `stop` marked it, and `active` no longer counts it.
        guard contenders[i].phase == .thinking else { return }
        if stopping {
            contenders[i].phase = .stopped
            checkDrained()
            return
        }
        nextCycle(i, now: now)
    }

    // MARK: Open-loop arrivals

    /// Starts every arrival that is due; `due` is when this call was scheduled to run, if by the wheel.
    func scheduleArrivals(due: UInt64? = nil) {
        guard !stopping, arrivalGapNanos.isFinite else { return }
        let now = LockClock.monotonicNanos()
        if let due { noteTimer(due: due, now: now) }
        // The wheel ticks in milliseconds: start every arrival that is due, then sleep to the next.
        while nextArrivalAt <= now {
            let intended = nextArrivalAt
            let free = idle.popLast()
            if intended >= windowStart, intended <= windowEnd { recorder.harness?.recordArrival(waited: free == nil) }
            if let i = free {
                beginAcquire(i, intendedAt: intended)
            } else {
                backlog.append(intended)
            }
            nextArrivalAt &+= nextGap()
            if stopping { return }
        }
        let next = nextArrivalAt
        _ = wheel.schedule(afterNanos: next &- now) { [unowned self] in self.scheduleArrivals(due: next) }
    }

    func nextGap() -> UInt64 {
        switch scenario.mode {
        case .open(_, .poisson):
            let u = Double.random(in: 0..<1, using: &rng)
            return UInt64(max(1, -log1p(-u) * arrivalGapNanos))
        default:
            return UInt64(max(1, arrivalGapNanos))
        }
    }

    func compactBacklog() {
        if arrivalHead > 4096 && arrivalHead * 2 > backlog.count {
            backlog.removeFirst(arrivalHead)
            arrivalHead = 0
        }
    }
}
