#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin helpers around system calls.
///
/// errno is read inside a non-inlined function right after the call, before Swift can run
/// anything (a retain, an allocation) that might overwrite it; `EINTR` is retried here so no
/// caller forgets to.
enum Sys {
    /// Runs `body` until it does not fail with `EINTR`; returns its result and the errno (0 on success).
    @inline(never)
    static func call<T: FixedWidthInteger>(_ body: () -> T) -> (T, Int32) {
        while true {
            let result = body()
            if result == -1 {
                let code = errno
                if code == EINTR { continue }
                return (result, code)
            }
            return (result, 0)
        }
    }

    /// `ECONNREFUSED (Connection refused)`: the name to search for and the words to read.
    static func describe(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        if let name = names[code] { return "\(name) (\(text))" }
        return "errno \(code) (\(text))"
    }

    private static let names: [Int32: String] = [
        EPERM: "EPERM", ENOENT: "ENOENT", ESRCH: "ESRCH", EINTR: "EINTR", EIO: "EIO", EBADF: "EBADF",
        ECHILD: "ECHILD", EAGAIN: "EAGAIN", ENOMEM: "ENOMEM", EACCES: "EACCES", EEXIST: "EEXIST",
        ENOTDIR: "ENOTDIR", EISDIR: "EISDIR", EINVAL: "EINVAL", EMFILE: "EMFILE", ENOSPC: "ENOSPC",
        EPIPE: "EPIPE", ENAMETOOLONG: "ENAMETOOLONG", EADDRINUSE: "EADDRINUSE",
        EADDRNOTAVAIL: "EADDRNOTAVAIL", ECONNRESET: "ECONNRESET", ETIMEDOUT: "ETIMEDOUT",
        ECONNREFUSED: "ECONNREFUSED", EINPROGRESS: "EINPROGRESS", ENOEXEC: "ENOEXEC", ELOOP: "ELOOP",
    ]

    /// A monotonic clock reading in nanoseconds, for deadlines that wall-clock jumps cannot move.
    static func monotonicNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
