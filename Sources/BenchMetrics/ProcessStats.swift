#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import POSIX

/// A sample of this process's own cost: CPU so far (`getrusage`), resident memory and threads
/// (`/proc/self/status`). The harness shares the machine with the server it measures, so what it burns
/// is reported beside what it measured.
public struct ProcessStats: Codable, Sendable, Hashable {
    /// User CPU since the process started, µs.
    public var userCPUMicros: Int64
    /// System CPU since the process started, µs.
    public var systemCPUMicros: Int64
    /// Peak resident set size since the process started or `resetPeakRSS()` (`VmHWM`), bytes.
    public var peakRSSBytes: Int
    /// Resident set size now (`VmRSS`), bytes.
    public var rssBytes: Int
    /// Threads now.
    public var threads: Int
    /// Most threads seen in this sample or any combined into it with `max(_:_:)`.
    public var peakThreads: Int
    /// Monotonic ns when sampled (for CPU percent over an interval).
    public var monotonicNanos: UInt64

    public init(
        userCPUMicros: Int64, systemCPUMicros: Int64, peakRSSBytes: Int, rssBytes: Int, threads: Int,
        peakThreads: Int? = nil, monotonicNanos: UInt64
    ) {
        self.userCPUMicros = userCPUMicros
        self.systemCPUMicros = systemCPUMicros
        self.peakRSSBytes = peakRSSBytes
        self.rssBytes = rssBytes
        self.threads = threads
        self.peakThreads = peakThreads ?? threads
        self.monotonicNanos = monotonicNanos
    }

    /// Samples the current process. Cheap enough to call once a second: one `getrusage`, one small
    /// /proc read. Where /proc is missing, RSS falls back to `ru_maxrss` and threads to 1.
    public static func sample() -> ProcessStats {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(RUSAGE_SELF.rawValue, &usage) // Glibc imports RUSAGE_SELF as an enum case
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func micros(_ t: timeval) -> Int64 { Int64(t.tv_sec) * 1_000_000 + Int64(t.tv_usec) }
        #if canImport(Darwin)
        let maxRSS = Int(usage.ru_maxrss) // bytes on Darwin
        #else
        let maxRSS = Int(usage.ru_maxrss) * 1024 // KiB on Linux
        #endif
        let status = ProcFS.status()
        let threads = status?.threads ?? ProcFS.stat()?.threads ?? 1
        return ProcessStats(
            userCPUMicros: micros(usage.ru_utime), systemCPUMicros: micros(usage.ru_stime),
            peakRSSBytes: status?.peakRSSBytes ?? maxRSS, rssBytes: status?.rssBytes ?? maxRSS,
            threads: threads, monotonicNanos: MonotonicClock.nanos()
        )
    }

    /// Resets the kernel's peak-RSS mark (`VmHWM`) to the current RSS, so a run's peak is its own and
    /// not an earlier run's in the same process (`--client both` runs both clients in one process).
    /// Linux 4.0+ through `/proc/self/clear_refs`; false where that is not possible (the peak then
    /// counts from the process start).
    @discardableResult
    public static func resetPeakRSS() -> Bool {
        #if os(Linux)
        return ProcFS.write("5", to: "/proc/self/clear_refs")
        #else
        return false
        #endif
    }

    /// Field-wise maximum: the later of two samples' cumulative figures, and the higher peaks. Fold
    /// periodic samples with this so a thread spike between the start and end samples is not missed.
    public static func max(_ a: ProcessStats, _ b: ProcessStats) -> ProcessStats {
        ProcessStats(
            userCPUMicros: Swift.max(a.userCPUMicros, b.userCPUMicros),
            systemCPUMicros: Swift.max(a.systemCPUMicros, b.systemCPUMicros),
            peakRSSBytes: Swift.max(a.peakRSSBytes, b.peakRSSBytes),
            rssBytes: a.monotonicNanos >= b.monotonicNanos ? a.rssBytes : b.rssBytes,
            threads: a.monotonicNanos >= b.monotonicNanos ? a.threads : b.threads,
            peakThreads: Swift.max(a.peakThreads, b.peakThreads),
            monotonicNanos: Swift.max(a.monotonicNanos, b.monotonicNanos)
        )
    }

    /// The cost between `start` and this sample. Peak RSS is the process's lifetime peak (the kernel
    /// keeps no per-interval peak), so it includes set-up.
    public func delta(since start: ProcessStats) -> ProcessCost {
        ProcessCost(
            userCPUS: Double(userCPUMicros - start.userCPUMicros) / 1_000_000,
            systemCPUS: Double(systemCPUMicros - start.systemCPUMicros) / 1_000_000,
            wallS: monotonicNanos > start.monotonicNanos ? Double(monotonicNanos - start.monotonicNanos) / 1_000_000_000 : 0,
            peakRSSBytes: Swift.max(peakRSSBytes, start.peakRSSBytes),
            peakThreads: Swift.max(peakThreads, start.peakThreads)
        )
    }
}
