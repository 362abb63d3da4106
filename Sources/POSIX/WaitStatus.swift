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
