#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How a child ended (or that it stopped), decoded from the `waitpid` status word: Swift cannot call
/// the `W*` macros.
public struct WaitStatus: Sendable, Hashable, CustomStringConvertible {
    public var raw: Int32

    public init(raw: Int32) { self.raw = raw }

    /// `WEXITSTATUS`, when it exited by itself.
    public var exitCode: Int32? { raw & 0x7f == 0 ? (raw >> 8) & 0xff : nil }
    /// `WTERMSIG`, when a signal ended it.
    public var signal: Int32? { raw & 0x7f != 0 && raw & 0x7f != 0x7f ? raw & 0x7f : nil }
    /// `WIFSTOPPED`: reported by `WUNTRACED`, the child is stopped, not gone.
    public var isStopped: Bool { raw & 0xff == 0x7f }

    /// The code a shell would show: the exit code, or 128 + the signal.
    public var shellCode: Int32 { exitCode ?? (signal.map { 128 + $0 } ?? raw) }

    /// `exit code 1`, `signal 9 (SIGKILL)`.
    public var description: String {
        if let exitCode { return "exit code \(exitCode)" }
        if let signal { return "signal \(signal)\(signal == SIGKILL ? " (SIGKILL)" : signal == SIGTERM ? " (SIGTERM)" : "")" }
        return "wait status \(raw)"
    }
}

extension WaitStatus {
    /// Blocks until `pid` has exited, without reaping it, then calls `reap` (which takes the caller's
    /// lock and calls `reap(_:)` inside it) and returns what that returns.
    ///
    /// Reaping frees the pid for the kernel to hand out again: whoever may still signal the child must
    /// reap it under the same lock its `kill` takes, so a signal never reaches a stranger.
    public static func awaitExit<T>(_ pid: pid_t, thenUnderLock reap: () -> T) -> T {
        var info = siginfo_t()
        _ = retryingEINTR { waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) }
        return reap()
    }

    /// Reaps an exited `pid` (`waitpid`); call it inside `awaitExit`'s closure.
    public static func reap(_ pid: pid_t) -> WaitStatus {
        var status: Int32 = 0
        _ = retryingEINTR { waitpid(pid, &status, 0) }
        return WaitStatus(raw: status)
    }
}
