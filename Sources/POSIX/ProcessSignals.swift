#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Process-wide signal dispositions the project relies on.
public enum ProcessSignals {
    /// Ignores SIGPIPE for the whole process, once; call before the first write that could meet a
    /// closed peer.
    ///
    /// hiredis 0.14 writes with `write(2)`, not `send(..., MSG_NOSIGNAL)`, and a pipe to a child that
    /// just died has no such flag at all: either write would raise SIGPIPE, whose default action kills
    /// the whole benchmark with its servers still to stop. Ignored (as swift-nio does on Linux), it
    /// becomes an `EPIPE`, handled like any other dropped connection.
    public static func ignoreSIGPIPE() { _ = sigpipeIgnored }

    private static let sigpipeIgnored: Bool = {
        _ = signal(SIGPIPE, SIG_IGN)
        return true
    }()
}
