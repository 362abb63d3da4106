import RedisConnection

/// A deployment whose primary can move while a run goes on (Sentinel). The run hands its watch every
/// move it learns of to the lanes, which close their connections to the old primary and reopen them
/// through the run's connector (which connects to the current primary, whatever endpoint it is given).
public protocol PrimaryWatch: Sendable {
    /// Starts watching; `moved` runs (on any thread) once per move, in the order they happened.
    func start(moved: @escaping @Sendable (PrimaryMove) -> Void) async
    /// A connection to `endpoint` was refused a write (`READONLY`: a demoted primary) or could not
    /// reach it: the watch asks again where the primary is, and reports a move if it has one.
    func suspect(_ endpoint: Endpoint)
    /// Stops watching; `moved` is not called afterwards.
    func stop()
}

/// The primary moved from one server to another (a failover), as the run heard of it.
public struct PrimaryMove: Sendable, Hashable {
    /// The primary before, when known.
    public var from: Endpoint?
    /// The primary now: connections go there.
    public var to: Endpoint
    /// When the run heard of it (monotonic ns, `LockClock.monotonicNanos()`).
    public var atNanos: UInt64

    public init(from: Endpoint?, to: Endpoint, atNanos: UInt64) {
        self.from = from
        self.to = to
        self.atNanos = atNanos
    }
}
