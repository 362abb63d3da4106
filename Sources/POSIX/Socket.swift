#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What a non-blocking read produced.
public enum ReadResult: Sendable, Equatable {
    /// This many bytes were read (> 0).
    case bytes(Int)
    /// Nothing to read now; wait for readability.
    case wouldBlock
    /// The peer closed its side.
    case endOfFile
}

/// What a non-blocking write produced.
public enum WriteResult: Sendable, Equatable {
    /// This many bytes were written (may be fewer than offered).
    case wrote(Int)
    /// The send buffer is full; wait for writability.
    case wouldBlock
}

/// A non-blocking stream socket file descriptor and the calls made on it.
///
/// A plain value around the fd: ownership (who closes it, and when) belongs to the connection,
/// which must not close it before its Dispatch sources are cancelled.
public struct Socket: Sendable, Hashable {
    public let fd: Int32
    /// What it connects to, for error messages.
    public let target: String

    /// Opens a non-blocking, close-on-exec socket and starts connecting.
    ///
    /// Returns the socket and whether the connect is still in progress (`EINPROGRESS` is not an
    /// error: wait for writability, then read `pendingError()`).
    public static func connect(to address: SocketAddress) throws(SocketError) -> (socket: Socket, inProgress: Bool) {
        let target = address.description
        let fd = Glibc.socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError(call: "socket", errno: Errno(rawValue: Glibc.errno), target: target) }
        let socket = Socket(fd: fd, target: target)
        if address.family != AF_UNIX {
            // Lock traffic is many tiny writes: Nagle would add up to 40 ms to each acquire.
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        switch address.withSockaddr({ pointer, length in retryingEINTR { Glibc.connect(fd, pointer, length) } }) {
        case .success: return (socket, false)
        case .failure(.nowInProgress), .failure(.resourceTemporarilyUnavailable): return (socket, true)
        case .failure(let error):
            Glibc.close(fd)
            throw SocketError(call: "connect", errno: error, target: target)
        }
    }

    /// The error left by an asynchronous connect (`SO_ERROR`); `nil` when it succeeded.
    public func pendingError() -> Errno? {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &length) != 0 { return Errno(rawValue: Glibc.errno) }
        return value == 0 ? nil : Errno(rawValue: value)
    }

    /// Reads into `buffer`, retrying `EINTR`.
    @inline(never)
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> ReadResult {
        switch retryingEINTR({ Glibc.read(fd, buffer.baseAddress, buffer.count) }) {
        case .success(0): return .endOfFile
        case .success(let n): return .bytes(n)
        case .failure(.wouldBlock): return .wouldBlock
        case .failure(let error): throw SocketError(call: "read", errno: error, target: target)
        }
    }

    /// Writes `bytes`, retrying `EINTR`; never raises SIGPIPE (`MSG_NOSIGNAL`).
    @inline(never)
    public func write(_ bytes: UnsafeRawBufferPointer) throws(SocketError) -> WriteResult {
        switch retryingEINTR({ Glibc.send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) }) {
        case .success(let n): return .wrote(n)
        case .failure(.wouldBlock): return .wouldBlock
        case .failure(let error): throw SocketError(call: "write", errno: error, target: target)
        }
    }

    /// Blocks this thread in `poll(2)` until the socket is readable (or has an error or hang-up to
    /// report), or about `timeoutNanos` pass (rounded up to whole milliseconds). True when a read will
    /// not block.
    public func waitReadable(timeoutNanos: UInt64) -> Bool {
        Self.waitReadable(fd: fd, timeoutNanos: timeoutNanos)
    }

    /// `waitReadable` for a descriptor this type does not own (hiredis's socket).
    public static func waitReadable(fd: Int32, timeoutNanos: UInt64) -> Bool {
        waitFor(Int16(POLLIN), fd: fd, timeoutNanos: timeoutNanos)
    }

    /// `waitReadable`'s twin for writability: a connect in progress has finished (read `pendingError()`),
    /// or the send buffer has room again.
    public func waitWritable(timeoutNanos: UInt64) -> Bool {
        Self.waitFor(Int16(POLLOUT), fd: fd, timeoutNanos: timeoutNanos)
    }

    private static func waitFor(_ events: Int16, fd: Int32, timeoutNanos: UInt64) -> Bool {
        var entry = pollfd(fd: fd, events: events, revents: 0)
        let millis = Int32(clamping: (timeoutNanos + 999_999) / 1_000_000)
        return poll(&entry, 1, millis) > 0
    }

    /// Closes the descriptor. Call once, after every Dispatch source on it is cancelled.
    public func close() {
        _ = Glibc.close(fd)
    }
}
