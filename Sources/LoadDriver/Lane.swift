import BenchMetrics
import Dispatch
import Locks
import RedisConnection

/// One serial queue of the run and everything it owns: its lock contexts (connections), its
/// contenders, its keys' witness state, its timer wheel and its recorder.
///
/// Nothing here is shared with another lane, so the measured path takes no lock; recorders merge
/// once at the end.
final class Lane: LockObserver, @unchecked Sendable {
    // @unchecked: every mutable member is touched only on `queue`, except where a method says it
    // hops there first.
    let index: Int
    let queue: DispatchQueue
    let wheel: TimerWheel
    let scenario: Scenario
    /// Every key name of the run, by key index, built once (shared by the lanes): the driver's path
    /// builds no strings per acquisition.
    let keyNames: [String]
    var contexts: [LockContext] = []
    var contenders: [Contender] = []
    /// Witness state per key, indexed by key number (keys are 0..<scenario.keys), when this lane alone
    /// locks its keys (`fixed`); empty when `sharedKeys` holds them.
    var keys: [KeyState]
    /// The run's key state shared by every lane, when each acquisition draws its key.
    let sharedKeys: SharedKeys?
    /// Draws each acquisition's key (`nil`: `fixed`, a contender keeps its key).
    let sampler: KeySampler?
    var recorder: QueueRecorder
    var rng: SplitMix64
    /// Key draws only: its own stream, so the lane's n-th key is the same for a seed however the
    /// hold, think and backoff draws interleave with it.
    var keyRNG: SplitMix64

    // Window and stop control (set on `queue`).
    var windowStart: UInt64 = .max
    var windowEnd: UInt64 = .max
    var stopping = false
    var active = 0
    var quota: Int?
    var counted = 0
    var onDrained: (() -> Void)?
    /// Called once when a connection failure means the run cannot go on.
    var onFatal: ((String) -> Void)?
    var fatalReported = false

    // Open loop.
    var idle: [Int] = []
    var backlog: [UInt64] = []
    var arrivalHead = 0
    var nextArrivalAt: UInt64 = 0
    var arrivalGapNanos: Double = 0

    // --pipeline: acquisitions in progress per context, and contenders parked until one finishes.
    var inFlight: [Int] = []
    var parked: [[Int]] = []
    var parkedHead: [Int] = []

    // Progress (read through `snapshot()` on `queue`; grants so far are `recorder.grantsTotal`).
    var errorsSoFar = 0

    // Fault experiments (Lane+Faults.swift): reopening dead connections, and the event log.
    var faults: LaneFaults?
    var events: LoadEventLog?
    /// Following a primary that moves (Lane+Failover.swift).
    var failovers: LaneFailovers?
    /// `Scenario.recordGrants` (LaneGrants.swift).
    var grants: LaneGrants?

    init(index: Int, scenario: Scenario, keyNames: [String], sharedKeys: SharedKeys?, sampler: KeySampler?) {
        self.index = index
        self.queue = DispatchQueue(label: "lockbench.lane.\(index)")
        self.wheel = TimerWheel(queue: queue)
        self.scenario = scenario
        self.keyNames = keyNames
        self.sharedKeys = sharedKeys
        self.sampler = sampler
        self.keys = sharedKeys == nil ? Array(repeating: KeyState(), count: scenario.keys) : []
        self.recorder = QueueRecorder(contenders: scenario.localContenders.count, keys: scenario.keys, windowStartNanos: 0)
        if scenario.intervalHistograms == true { recorder.recordIntervals() }
        if scenario.recordGrants == true { grants = LaneGrants(contenders: scenario.localContenders.count) }
        self.rng = SplitMix64(seed: scenario.seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        self.keyRNG = SplitMix64(seed: (scenario.seed ^ 0x6B65_7964_6973_7421) &+ UInt64(index) &* 0xD1B5_4A32_D192_ED03)
    }

    /// Adds a contender on key `key` (its first key, when keys are drawn) using context `slot` (call
    /// before `start`).
    func addContender(index: Int, key: Int, slot: Int, clockOffsetMs: Int64) {
        let locker = contexts[slot].makeLocker(clockOffsetMs: clockOffsetMs)
        contenders.append(Contender(index: index, key: key, locker: locker, slot: slot))
    }

    // MARK: Run control (all on `queue`)

    func start(windowStart: UInt64, windowEnd: UInt64, quota: Int?) {
        dispatchPrecondition(condition: .onQueue(queue))
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.quota = quota
        recorder.reset(windowStartNanos: windowStart)
        inFlight = Array(repeating: 0, count: contexts.count)
        parked = Array(repeating: [], count: contexts.count)
        parkedHead = Array(repeating: 0, count: contexts.count)
        for context in contexts where scenario.lock.algorithm == .redlock {
            context.redlockObserver = { [unowned self] report in self.observeRedlock(report) }
        }
        switch scenario.mode {
        case .closed:
            for i in contenders.indices { beginAcquire(i, intendedAt: 0) }
        case .open(let rate, _):
            idle = Array(contenders.indices.reversed())
            let share = rate * Double(contenders.count) / Double(max(scenario.contenders, 1))
            arrivalGapNanos = share > 0 ? 1e9 / share : .infinity
            nextArrivalAt = LockClock.monotonicNanos()
            scheduleArrivals()
        }
        if faults != nil { watchConnections() }
    }

    /// Stops starting acquisitions; in-flight ones finish (holders release). `end` caps the window.
    func stop(windowEndAt end: UInt64?) {
        dispatchPrecondition(condition: .onQueue(queue))
        if let end, end < windowEnd { windowEnd = end }
        // Already stopping (a --requests quota was met): the lane may be drained already, and a
        // drain waiter registered since then must hear it now rather than at its time bound.
        guard !stopping else {
            checkDrained()
            return
        }
        stopping = true
        for i in contenders.indices where [.idle, .thinking, .parked].contains(contenders[i].phase) {
            contenders[i].phase = .stopped
        }
        checkDrained()
    }

    func checkDrained() {
        guard stopping, active == 0 else { return }
        let done = onDrained
        onDrained = nil
        done?()
    }

    // MARK: Contender state machine

    /// `now`: the caller's clock reading, when it has one from this same moment.
    func beginAcquire(_ i: Int, intendedAt: UInt64, now clock: UInt64? = nil) {
        if stopping {
            contenders[i].phase = .stopped
            checkDrained()
            return
        }
        let slot = contenders[i].slot
        if scenario.pipeline > 0 && inFlight[slot] >= scenario.pipeline {
            // The connection already carries --pipeline acquisitions: wait for one to finish.
            contenders[i].phase = .parked
            contenders[i].intendedAt = intendedAt
            parked[slot].append(i)
            return
        }
        inFlight[slot] += 1
        if faults != nil { adoptCurrentContext(i) }
        let now = clock ?? LockClock.monotonicNanos()
        let key = nextKey(i)
        contenders[i].phase = .acquiring
        contenders[i].startedAt = now
        contenders[i].intendedAt = intendedAt
        contenders[i].arrival = withKey(key) { $0.arrive() }
        active += 1
        let timeout = UInt64(scenario.acquireTimeoutMs) * 1_000_000
        // Past the window end an acquisition no longer counts, so it need not outlive it by much.
        let deadline = min(now &+ timeout, windowEnd &+ 1_000_000)
        if let delay = scenario.sharedPathDelayUs {
            let until = LockClock.monotonicNanos() &+ UInt64(delay) &* 1_000
            while LockClock.monotonicNanos() < until {}
        }
        contenders[i].locker.acquire(key: keyNames[key], deadlineNanos: deadline, startedAtNanos: now, observer: self, tag: i)
    }

    func inWindow(start: UInt64, end: UInt64) -> Bool {
        start >= windowStart && end <= windowEnd
    }

    func acquireEnded(_ outcome: AcquireOutcome, tag i: Int) {
        let now: UInt64
        if case .granted(let grant) = outcome { now = grant.grantedAtNanos } else { now = LockClock.monotonicNanos() }
        // Fields are read one by one: copying the contender would retain its locker and grant.
        let index = contenders[i].index
        let startedAt = contenders[i].startedAt
        let counts = inWindow(start: startedAt, end: now)
        let key = contenders[i].key
        let arrival = contenders[i].arrival
        let inversion = withKey(key) { $0.leave(arrival) }
        let slot = contenders[i].slot
        inFlight[slot] -= 1
        switch outcome {
        case .granted(let grant):
            if counts {
                recorder.recordAcquired(contender: index, latencyNanos: now &- startedAt, attempts: grant.attempts, completedAtNanos: now)
                let intendedAt = contenders[i].intendedAt
                if intendedAt != 0 { recorder.recordCorrectedAcquireLatency(nanos: now &- intendedAt) }
                if inversion { recorder.recordFIFOInversion() }
                recorder.recordKeyGrant(key: key)
                counted += 1
            }
            recorder.recordGrant()
            events?.append(LoadEvent(atNanos: now, latencyNanos: now &- startedAt, validityMs: grant.validityMs, granted: true))
            if failovers != nil { failovers?.granted(at: now, on: contenders[i].locker.context.connections.first?.endpoint) }
            witnessEnter(i, grant: grant, now: now, counts: counts)
            contenders[i].grant = grant
            contenders[i].phase = .holding
            contenders[i].errorStreak = 0
            let hold = scenario.hold.sampleNanos(&rng)
            contenders[i].holdNanos = hold
            if hold == 0 {
                beginRelease(i, now: now)
            } else {
                let due = now &+ hold
                _ = wheel.schedule(afterNanos: hold, urgent: true) { [unowned self] in self.holdEnded(i, due: due) }
            }
            if let quota, counted >= quota, !stopping { stop(windowEndAt: now) }
            // A release due now goes out before the parked acquisition this grant makes room for.
            unpark(slot)
        case .timedOut(let summary), .gaveUp(let summary):
            if counts { recorder.recordFailedAcquire(contender: index, attempts: summary.attempts, completedAtNanos: now) }
            events?.append(LoadEvent(atNanos: now, latencyNanos: now &- startedAt, validityMs: 0, granted: false))
            if counts { failovers?.failed() }
            contenders[i].errorStreak = 0
            unpark(slot)
            finishCycle(i)
        case .failed(let failure, let summary):
            if counts {
                recorder.recordFailedAcquire(contender: index, attempts: summary.attempts, completedAtNanos: now)
            }
            recorder.recordError(kind: failure.kindKey, atNanos: now, message: failure.description)
            errorsSoFar += 1
            events?.append(LoadEvent(atNanos: now, latencyNanos: now &- startedAt, validityMs: 0, granted: false))
            if counts { failovers?.failed() }
            checkFatal(after: failure, context: contenders[i].locker.context)
            unpark(slot)
            finishCycle(i, afterError: true)
        }
    }

    func beginRelease(_ i: Int, now clock: UInt64? = nil) {
        guard let grant = contenders[i].grant else { return }
        let now = clock ?? LockClock.monotonicNanos()
        witnessExit(i, grant: grant, now: now)
        contenders[i].phase = .releasing
        contenders[i].releaseStartedAt = now
        contenders[i].locker.release(grant, observer: self, tag: i)
    }

    func releaseEnded(_ report: ReleaseReport, tag i: Int) {
        let now = LockClock.monotonicNanos()
        let releaseStartedAt = contenders[i].releaseStartedAt
        if inWindow(start: releaseStartedAt, end: now) { recorder.recordRelease(nanos: now &- releaseStartedAt) }
        var failed = false
        switch report.outcome {
        case .released, .notOwner, .lateRelease:
            break
        case .wrongOwnerDelete:
            recorder.recordWrongOwnerDelete()
        case .failed(let failure):
            recorder.recordError(kind: "release." + failure.kindKey, atNanos: now, message: failure.description)
            errorsSoFar += 1
            checkFatal(after: failure, context: contenders[i].locker.context)
            failed = true
        }
        contenders[i].grant = nil
        finishCycle(i, now: now, afterError: failed)
    }

    /// After an acquisition ends (granted and released, or failed): think, then go again; or, in
    /// open loop, take the next waiting arrival or go idle. After an error, first back off (see
    /// `errorBackoffNanos`): a server refusing every command must not be retried as fast as the CPU allows.
    func finishCycle(_ i: Int, now: UInt64? = nil, afterError: Bool = false) {
        active -= 1
        if stopping {
            contenders[i].phase = .stopped
            checkDrained()
            return
        }
        if afterError {
            contenders[i].errorStreak = min(contenders[i].errorStreak &+ 1, 32)
            let delay = errorBackoffNanos(streak: contenders[i].errorStreak)
            let due = (now ?? LockClock.monotonicNanos()) &+ delay
            contenders[i].phase = .thinking
            _ = wheel.schedule(afterNanos: delay) { [unowned self] in self.backoffEnded(i, due: due) }
            return
        }
        nextCycle(i, now: now)
    }

    /// Think, then acquire again (closed loop); take the next waiting arrival or go idle (open loop).
    func nextCycle(_ i: Int, now: UInt64?) {
        switch scenario.mode {
        case .closed:
            let think = scenario.think.sampleNanos(&rng)
            if think == 0 {
                beginAcquire(i, intendedAt: 0, now: now)
            } else {
                contenders[i].phase = .thinking
                let due = (now ?? LockClock.monotonicNanos()) &+ think
                _ = wheel.schedule(afterNanos: think) { [unowned self] in self.thinkEnded(i, due: due) }
            }
        case .open:
            if arrivalHead < backlog.count {
                let intended = backlog[arrivalHead]
                arrivalHead += 1
                compactBacklog()
                beginAcquire(i, intendedAt: intended, now: now)
            } else {
                contenders[i].phase = .idle
                idle.append(i)
            }
        }
    }
}
