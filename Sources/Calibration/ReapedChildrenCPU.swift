#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// CPU (user + system) of this process's children that have been reaped, and of what they reaped:
/// `getrusage(RUSAGE_CHILDREN)`. A child counts only once it is waited for, so a delta taken around a
/// child's whole life (started, reaped) is that child's CPU.
///
/// Other children of the harness do not pollute such a delta while they live: the redis-servers a
/// fleet started are reaped only when the fleet stops, after the calibration's measurements. Only a
/// child reaped inside the window (a server that died and was waited for then) would be added to it.
enum ReapedChildrenCPU {
    /// User + system CPU of every child reaped so far, µs.
    static func micros() -> Int64 {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(RUSAGE_CHILDREN.rawValue, &usage) // Glibc imports the `who` constants as an enum
        #else
        getrusage(RUSAGE_CHILDREN, &usage)
        #endif
        return [usage.ru_utime, usage.ru_stime].reduce(0) { $0 + Int64($1.tv_sec) * 1_000_000 + Int64($1.tv_usec) }
    }
}
