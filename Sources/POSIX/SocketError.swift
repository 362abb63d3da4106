#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A failed socket call: which call, on what, and the errno it left.
public struct SocketError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The system call, e.g. `connect`.
    public var call: String
    /// The errno value.
    public var errno: Int32
    /// What the call was for, e.g. `127.0.0.1:6379`.
    public var target: String

    /// Makes an error.
    public init(call: String, errno: Int32, target: String) {
        self.call = call
        self.errno = errno
        self.target = target
    }

    /// The errno's text from `strerror`.
    public var reason: String { String(cString: strerror(errno)) }

    /// `connect 127.0.0.1:6379: Connection refused (errno 111)`.
    public var description: String { "\(call) \(target): \(reason) (errno \(errno))" }
}
