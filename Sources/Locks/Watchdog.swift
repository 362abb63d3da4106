/// Renews one grant every ttl/3 on the wheel, measuring how late each renewal ran.
///
/// The next renewal is due ttl/3 after the previous one was *sent* (the server reset the TTL at some
/// point after that, so the lock is certainly alive until sent + ttl): the schedule never drifts later
/// than the lock's real expiry. Confined to the context's queue.
final class Watchdog: LockOperation, @unchecked Sendable {
    // @unchecked: confined to the context's queue.

    let locker: Locker
    let handle: WatchdogHandle
    let grant: LockGrant
    let onEvent: (WatchdogEvent) -> Void
    let intervalNanos: UInt64
    var dueAt: UInt64
    var sequence = 0
    var timer: TimerHandle?
    var stopped = false

    init(locker: Locker, handle: WatchdogHandle, grant: LockGrant, onEvent: @escaping (WatchdogEvent) -> Void) {
        self.locker = locker
        self.handle = handle
        self.grant = grant
        self.onEvent = onEvent
        self.intervalNanos = max(1, UInt64(grant.ttlMs) * 1_000_000 / 3)
        self.dueAt = grant.grantedAtNanos &+ intervalNanos
    }

    func start() { arm() }

    private func arm() {
        let now = LockClock.monotonicNanos()
        timer = locker.context.wheel.schedule(afterNanos: dueAt > now ? dueAt - now : 0) { [self] in
            timer = nil
            renew()
        }
    }

    private func renew() {
        guard !stopped else { return }
        sequence += 1
        let sequence = self.sequence
        let due = dueAt
        let fired = LockClock.monotonicNanos()
        let context = locker.context
        locker.extend(grant, byMs: grant.ttlMs, operation: self) { [self] outcome in
            guard !stopped else { return }
            if case .extended(let validity) = outcome {
                context.counters.watchdogRenewals += 1
                dueAt = fired &+ intervalNanos
                arm()
                onEvent(.renewed(WatchdogRenewal(sequence: sequence, dueAtNanos: due, firedAtNanos: fired,
                                                 repliedAtNanos: LockClock.monotonicNanos(), validityMs: validity)))
            } else {
                context.counters.watchdogLosses += 1
                stopped = true
                locker.watchdogs[handle.id] = nil
                onEvent(.lost(WatchdogLoss(sequence: sequence, dueAtNanos: due, firedAtNanos: fired, outcome: outcome)))
            }
        }
    }

    func stop() {
        stopped = true
        if let timer {
            locker.context.wheel.cancel(timer)
            self.timer = nil
        }
    }
}
