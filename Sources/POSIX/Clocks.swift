#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `CLOCK_MONOTONIC`, the clock of every duration and deadline in the project: immune to wall-clock
/// steps, cheap (vDSO), comparable within a process.
public enum MonotonicClock {
    /// Nanoseconds since an arbitrary start (boot, on Linux).
    ///
    /// `@inlinable`: the measured path reads it several times per lock cycle, from other modules.
    @inlinable @inline(__always)
    public static func nanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}

/// `CLOCK_REALTIME`: only for what a wall clock means, such as an expiry stored in Redis by the 2013
/// lock design, or a timestamp in a report. Never for a duration: NTP and `date -s` step it.
public enum WallClock {
    /// Milliseconds since the Unix epoch.
    @inlinable @inline(__always)
    public static func millis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) &* 1_000 &+ Int64(ts.tv_nsec) / 1_000_000
    }
}

extension WallClock {
    /// Microseconds since the Unix epoch: a shard's clock offset to the server is reported in these.
    public static func micros() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) &* 1_000_000 &+ Int64(ts.tv_nsec) / 1_000
    }
}
