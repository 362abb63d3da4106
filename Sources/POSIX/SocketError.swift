#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A failed socket call: which call, on what, and the errno it left.
public struct SocketError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The system call, e.g. `connect`.
    public var call: String
    public var errno: Errno
    /// What the call was for, e.g. `127.0.0.1:6379`.
    public var target: String

    public init(call: String, errno: Errno, target: String) {
        self.call = call
        self.errno = errno
        self.target = target
    }

    /// `connect 127.0.0.1:6379: Connection refused (errno 111)`.
    public var description: String { "\(call) \(target): \(errno) (errno \(errno.rawValue))" }
}
