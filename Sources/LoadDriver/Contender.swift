import Locks

/// One contender's state machine: acquire → hold → release → think, or, in open loop, one
/// acquisition per arrival. A few words of state, not a thread or a task.
struct Contender {
    enum Phase {
        case idle, parked, acquiring, holding, releasing, thinking, stopped
    }

    /// Index among the contenders this process runs (the recorder's; a shard's outputs add its slice's start).
    let index: Int
    /// Index of the key it locks: always the same with the `fixed` key layout, else drawn anew by each
    /// acquisition (the witness and arrival order of the current one are that key's).
    var key: Int
    /// Its lock client (shares the lane's connections; replaced when a fault-tolerant run reopens them).
    var locker: Locker
    /// Which of the lane's contexts (connections) it uses.
    let slot: Int
    var phase: Phase = .idle
    /// When the current acquisition started (monotonic ns).
    var startedAt: UInt64 = 0
    /// Open loop: when it should have started (the arrival time), for corrected latency.
    var intendedAt: UInt64 = 0
    /// Arrival number in its key's queue, for FIFO-inversion counting.
    var arrival: UInt64 = 0
    /// The grant while holding.
    var grant: LockGrant?
    /// When the current release started.
    var releaseStartedAt: UInt64 = 0
    /// The hold drawn for the current grant, ns (to compare with what the hold actually lasted).
    var holdNanos: UInt64 = 0
    /// Errors in a row (acquire or release): sets the length of the next error backoff.
    var errorStreak: UInt8 = 0
}
