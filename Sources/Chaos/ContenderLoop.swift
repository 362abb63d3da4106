import Locks
import RedisConnection
import Synchronization

/// A handful of contenders cycling acquire → hold → release on a few keys while the scenario breaks
/// servers under them, recording every grant and failure with its time.
///
/// Chaos wants correctness under faults, not throughput, so each contender is a plain async loop over
/// the `Locker` API (few of them, at the edges of the design's concurrency model). Each has its own
/// context, and reconnects when a connection has failed, as a real client would.
final class ContenderLoop: Sendable {
    struct Settings: Sendable {
        var spec: LockSpec
        var client: RedisClientKind
        var endpoints: [Endpoint]
        var options: ConnectionOptions
        var contenders: Int
        var keys: Int
        var holdMs: Int
        var acquireTimeoutMs: Int
        var keyPrefix: String
    }

    /// One grant: when, how long it took, how much validity it came with.
    struct Grant: Sendable {
        var at: UInt64
        var latencyNanos: UInt64
        var validityMs: Double
    }

    struct Record: Sendable {
        var grants: [Grant] = []
        var failures: [UInt64] = []
        var errors: [String: Int] = [:]
        var reconnects = 0
        var finished = 0
    }

    let settings: Settings
    let ledger: MutexWitness
    private let record = Mutex(Record())
    private let stopping = Atomic<Bool>(false)

    init(settings: Settings, ledger: MutexWitness) {
        self.settings = settings
        self.ledger = ledger
    }

    /// Starts every contender.
    func start() {
        for index in 0..<settings.contenders {
            Task.detached { [self] in await contend(index) }
        }
    }

    /// Asks every contender to stop after its current cycle and waits, at most `boundMs`, for them all;
    /// returns how many did not finish (stuck).
    func stop(boundMs: Int) async -> Int {
        stopping.store(true, ordering: .relaxed)
        let deadline = LockClock.monotonicNanos() + UInt64(boundMs) * 1_000_000
        while LockClock.monotonicNanos() < deadline {
            if record.withLock({ $0.finished }) == settings.contenders { return 0 }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        return settings.contenders - record.withLock { $0.finished }
    }

    var snapshot: Record { record.withLock { $0 } }

    /// Waits until some contender is granted the lock after `instant` (monotonic), at most `boundMs`;
    /// returns when that grant happened. Phases that must see a grant run until one, so a slow machine
    /// stretches them instead of failing them; the bound only stops a lock that never recovers.
    func firstGrant(after instant: UInt64, boundMs: Int, interrupted: () -> Bool) async -> UInt64? {
        let deadline = LockClock.monotonicNanos() + UInt64(boundMs) * 1_000_000
        while LockClock.monotonicNanos() < deadline, !interrupted() {
            if let at = record.withLock({ $0.grants.first { $0.at > instant }?.at }) { return at }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        return nil
    }

    private func contend(_ index: Int) async {
        let key = settings.keyPrefix + "k\(index % max(settings.keys, 1))"
        var context = await open(index)
        var locker = await LockSessions.locker(context)
        var openedAt = LockClock.monotonicNanos()
        while !stopping.load(ordering: .relaxed) {
            // Reconnect after a failure, at most every 100 ms (a server that is down refuses at once).
            if LockClock.monotonicNanos() - openedAt > 100_000_000, !(await LockSessions.allOpen(context)) {
                await LockSessions.close(context)
                context = await open(index)
                locker = await LockSessions.locker(context)
                openedAt = LockClock.monotonicNanos()
                record.withLock { $0.reconnects += 1 }
            }
            switch await locker.acquire(key: key, timeoutMs: settings.acquireTimeoutMs) {
            case .granted(let grant):
                record.withLock { $0.grants.append(Grant(at: grant.grantedAtNanos, latencyNanos: grant.latencyNanos, validityMs: grant.validityMs)) }
                ledger.enter(key: key, holderID: UInt64(index), validUntilNanos: grant.validUntilNanos(algorithm: settings.spec.algorithm),
                             now: grant.grantedAtNanos)
                try? await Task.sleep(nanoseconds: UInt64(settings.holdMs) * 1_000_000)
                ledger.exit(key: key, holderID: UInt64(index))
                if case .failed(let failure) = await locker.release(grant).outcome { count(failure) }
            case .timedOut, .gaveUp:
                record.withLock { $0.failures.append(LockClock.monotonicNanos()) }
            case .failed(let failure, _):
                record.withLock { $0.failures.append(LockClock.monotonicNanos()) }
                count(failure)
                // A dead connection fails at once: back off a little instead of spinning.
                try? await Task.sleep(nanoseconds: 10_000_000)
            }
        }
        await LockSessions.close(context)
        record.withLock { $0.finished += 1 }
    }

    private func open(_ index: Int) async -> LockContext {
        await LockSessions.openTolerant(spec: settings.spec, client: settings.client, endpoints: settings.endpoints,
                                        label: "loop-\(index)", seed: UInt64(100 + index), options: settings.options)
    }

    private func count(_ failure: LockFailure) {
        record.withLock { $0.errors[failure.kindKey, default: 0] += 1 }
    }
}

extension ContenderLoop.Record {
    /// The longest stretch from `start` to `end` in which nobody was granted the lock, ms.
    func longestGapMs(from start: UInt64, to end: UInt64) -> Double {
        var last = start
        var longest: UInt64 = 0
        for at in grants.map(\.at).sorted() where at > start && at <= end {
            longest = max(longest, at - last)
            last = at
        }
        longest = max(longest, end > last ? end - last : 0)
        return Double(longest) / 1_000_000
    }
}
