#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A byte channel between this process and a child's standard stream, both ends close-on-exec from
/// the start.
///
/// A socket pair rather than `pipe()`: it is made close-on-exec atomically (Swift's Glibc lacks
/// `pipe2`), so no child spawned meanwhile by another thread inherits an end. One that did would hold
/// the channel open: a worker would never see EOF on its stdin, and we never on its output. The end
/// given to the child loses the flag when `posix_spawn` duplicates it onto 0, 1 or 2.
public struct ChildChannel: Sendable {
    /// Ours: read the child's output from it, or write its input to it.
    public let parentEnd: Int32
    /// The child's: pass as `ChildStream.descriptor`, and close it once the child is spawned.
    public let childEnd: Int32

    public static func make() -> Result<ChildChannel, Errno> {
        var fds: [Int32] = [0, 0]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        return retryingEINTR { socketpair(AF_UNIX, type, 0, &fds) }.map { _ in ChildChannel(parentEnd: fds[0], childEnd: fds[1]) }
    }

    /// Closes both ends (a spawn that failed).
    public func closeBoth() {
        close(parentEnd)
        close(childEnd)
    }
}
