#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Clocks the lock layer reads: a monotonic one for every duration it reports, and the wall clock
/// that `legacy-getset` stores in Redis (the only algorithm whose expiry is judged by client clocks).
public enum LockClock {
    /// Nanoseconds on `CLOCK_MONOTONIC`: immune to wall-clock steps, cheap (vDSO), comparable within a process.
    @inline(__always)
    public static func monotonicNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// Milliseconds since the Unix epoch on `CLOCK_REALTIME`, as a client of the 2013 lock design read it.
    @inline(__always)
    public static func wallMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) &* 1_000 &+ Int64(ts.tv_nsec) / 1_000_000
    }
}
