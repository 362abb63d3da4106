import POSIX

/// Clocks the lock layer reads: a monotonic one for every duration it reports, and the wall clock
/// that `legacy-getset` stores in Redis (the only algorithm whose expiry is judged by client clocks).
/// Both are POSIX's; this name stays so the lock code reads as what it measures.
public enum LockClock {
    @inlinable @inline(__always)
    public static func monotonicNanos() -> UInt64 { MonotonicClock.nanos() }

    /// Milliseconds since the Unix epoch, as a client of the 2013 lock design read it.
    @inlinable @inline(__always)
    public static func wallMillis() -> Int64 { WallClock.millis() }
}
