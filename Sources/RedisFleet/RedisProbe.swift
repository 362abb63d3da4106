#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RESP
import RedisConnection

/// A tiny blocking client for readiness checks, smoke tests and test setup: never for measurement.
///
/// Each call opens one connection, sends, reads the replies and closes, all within one deadline,
/// so a paused server costs at most `timeoutMs`. It depends on no client target on purpose: the
/// fleet must be able to check a server even while the clients it will measure are broken.
public enum RedisProbe {
    /// Sends inline `PING` and returns the reply line without its CRLF: `+PONG`, or an error line
    /// such as `-NOAUTH Authentication required.`. Any reply means the server is up.
    public static func ping(_ endpoint: Endpoint, timeoutMs: Int = 500) throws(RedisError) -> String {
        var connection = try ProbeConnection.connect(to: endpoint, timeoutMs: timeoutMs)
        try connection.send(Array("PING\r\n".utf8))
        return try connection.readLine()
    }

    /// Sends one command as a RESP array of bulk strings and returns its reply, e.g. `["SET", "k", "v"]`.
    ///
    /// A server error comes back as `.simpleError`, not as a thrown error.
    public static func command(_ arguments: [String], at endpoint: Endpoint, timeoutMs: Int = 1_000) throws(RedisError) -> RESPValue {
        try commands([arguments], at: endpoint, timeoutMs: timeoutMs)[0]
    }

    /// Sends several commands on one connection (pipelined) and returns one reply each, in order;
    /// use it to `AUTH` before the commands that need it.
    public static func commands(_ commands: [[String]], at endpoint: Endpoint, timeoutMs: Int = 1_000) throws(RedisError) -> [RESPValue] {
        var bytes: [UInt8] = []
        for arguments in commands {
            bytes += Array("*\(arguments.count)\r\n".utf8)
            for argument in arguments {
                let utf8 = Array(argument.utf8)
                bytes += Array("$\(utf8.count)\r\n".utf8)
                bytes += utf8
                bytes += [13, 10]
            }
        }
        var connection = try ProbeConnection.connect(to: endpoint, timeoutMs: timeoutMs)
        try connection.send(bytes)
        var replies: [RESPValue] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            replies.append(try connection.readValue(depth: 0))
        }
        return replies
    }
}

/// One blocking socket with a single deadline for everything done on it.
private struct ProbeConnection: ~Copyable {
    private let fd: Int32
    private let endpoint: String
    private let deadline: UInt64
    private var buffer: [UInt8] = []
    private var position = 0

    /// Replies larger than this are a protocol error here; a probe never needs more.
    private static let maxBulk = 64 << 20
    /// Deeper nesting than this is a protocol error here.
    private static let maxDepth = 16

    private init(fd: Int32, endpoint: String, deadline: UInt64) {
        self.fd = fd
        self.endpoint = endpoint
        self.deadline = deadline
    }

    deinit { _ = close(fd) }

    /// Connects within the deadline. The descriptor is wrapped only once connected, so every
    /// failure path closes it exactly once.
    static func connect(to endpoint: Endpoint, timeoutMs: Int) throws(RedisError) -> ProbeConnection {
        let name = endpoint.description
        let deadline = Sys.monotonicNanos() + UInt64(max(timeoutMs, 1)) * 1_000_000

        var storage = sockaddr_storage()
        var length: socklen_t
        let family: Int32
        switch endpoint {
        case .unix(let path):
            family = AF_UNIX
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            let capacity = MemoryLayout.size(ofValue: address.sun_path)
            guard bytes.count < capacity else {
                throw RedisError(.io, endpoint: name, detail: "socket path is longer than \(capacity - 1) bytes")
            }
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                raw.copyBytes(from: bytes)
                raw[bytes.count] = 0
            }
            length = socklen_t(MemoryLayout<sockaddr_un>.size)
            copy(address, into: &storage)
        case .tcp(let host, let port):
            let literal = host == "localhost" ? "127.0.0.1" : host
            var v4 = sockaddr_in()
            var v6 = sockaddr_in6()
            if inet_pton(AF_INET, literal, &v4.sin_addr) == 1 {
                family = AF_INET
                v4.sin_family = sa_family_t(AF_INET)
                v4.sin_port = in_port_t(UInt16(truncatingIfNeeded: port)).bigEndian
                length = socklen_t(MemoryLayout<sockaddr_in>.size)
                copy(v4, into: &storage)
            } else if inet_pton(AF_INET6, literal, &v6.sin6_addr) == 1 {
                family = AF_INET6
                v6.sin6_family = sa_family_t(AF_INET6)
                v6.sin6_port = in_port_t(UInt16(truncatingIfNeeded: port)).bigEndian
                length = socklen_t(MemoryLayout<sockaddr_in6>.size)
                copy(v6, into: &storage)
            } else {
                // The fleet only ever listens on loopback literals; resolving names is the clients' job.
                throw RedisError(.addressResolution, endpoint: name, detail: "the probe takes IP literals or localhost only")
            }
        }

        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        let (fd, socketErrno) = Sys.call { socket(family, type, 0) }
        guard fd >= 0 else {
            throw RedisError(.io, endpoint: name, detail: "socket: \(Sys.describe(socketErrno))", errno: socketErrno)
        }
        // From here the connection owns fd and its deinit closes it, on success or failure.
        let connection = ProbeConnection(fd: fd, endpoint: name, deadline: deadline)
        let (connected, connectErrno) = withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                Sys.call { Glibc.connect(fd, address, length) }
            }
        }
        if connected != 0 {
            guard connectErrno == EINPROGRESS else {
                throw connectError(connectErrno, endpoint: name)
            }
            try connection.wait(for: Int16(POLLOUT), doing: "connect")
            var soError: Int32 = 0
            var soLength = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &soLength)
            if soError != 0 {
                throw connectError(soError, endpoint: name)
            }
        }
        return connection
    }

    private static func copy<T>(_ address: T, into storage: inout sockaddr_storage) {
        withUnsafeBytes(of: address) { source in
            withUnsafeMutableBytes(of: &storage) { target in
                target.copyMemory(from: source)
            }
        }
    }


    private static func connectError(_ code: Int32, endpoint: String) -> RedisError {
        switch code {
        case ECONNREFUSED, ENOENT:
            // A missing Unix socket file means the same thing as a refused TCP port: nothing listens.
            return RedisError(.connectionRefused, endpoint: endpoint, detail: "connect: \(Sys.describe(code))", errno: code)
        case ETIMEDOUT:
            return RedisError(.timeout, endpoint: endpoint, detail: "connect: \(Sys.describe(code))", errno: code)
        default:
            return RedisError(.io, endpoint: endpoint, detail: "connect: \(Sys.describe(code))", errno: code)
        }
    }

    /// Waits until the socket is ready for `events` or the deadline passes.
    private func wait(for events: Int16, doing what: String) throws(RedisError) {
        while true {
            let now = Sys.monotonicNanos()
            guard now < deadline else {
                throw RedisError(.timeout, endpoint: endpoint, detail: "no progress on \(what) before the probe's deadline")
            }
            let remainingMs = Int32(min((deadline - now + 999_999) / 1_000_000, UInt64(Int32.max)))
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let (ready, pollErrno) = Sys.call { poll(&entry, 1, remainingMs) }
            if ready < 0 {
                throw RedisError(.io, endpoint: endpoint, detail: "poll: \(Sys.describe(pollErrno))", errno: pollErrno)
            }
            if ready > 0 { return }
        }
    }

    func send(_ bytes: [UInt8]) throws(RedisError) {
        var offset = 0
        while offset < bytes.count {
            let fd = self.fd
            let (sent, sendErrno) = bytes.withUnsafeBytes { raw in
                // MSG_NOSIGNAL: a server that closed must surface as EPIPE here, not kill the harness with SIGPIPE.
                Sys.call { Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL)) }
            }
            if sent >= 0 {
                offset += sent
            } else if sendErrno == EAGAIN || sendErrno == EWOULDBLOCK {
                try wait(for: Int16(POLLOUT), doing: "send")
            } else if sendErrno == EPIPE || sendErrno == ECONNRESET {
                throw RedisError(.connectionReset, endpoint: endpoint, detail: "send: \(Sys.describe(sendErrno))", errno: sendErrno)
            } else {
                throw RedisError(.io, endpoint: endpoint, detail: "send: \(Sys.describe(sendErrno))", errno: sendErrno)
            }
        }
    }

    /// Reads more bytes into the buffer; throws at EOF or when the deadline passes.
    private mutating func fill() throws(RedisError) {
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let fd = self.fd
            let (count, readErrno) = chunk.withUnsafeMutableBytes { raw in
                Sys.call { recv(fd, raw.baseAddress!, raw.count, 0) }
            }
            if count > 0 {
                buffer += chunk[0..<count]
                return
            }
            if count == 0 {
                throw RedisError(buffer.isEmpty ? .connectionClosed : .closedMidReply, endpoint: endpoint,
                                 detail: "the server closed the connection")
            }
            if readErrno == EAGAIN || readErrno == EWOULDBLOCK {
                try wait(for: Int16(POLLIN), doing: "read")
            } else if readErrno == ECONNRESET {
                throw RedisError(.connectionReset, endpoint: endpoint, detail: "recv: \(Sys.describe(readErrno))", errno: readErrno)
            } else {
                throw RedisError(.io, endpoint: endpoint, detail: "recv: \(Sys.describe(readErrno))", errno: readErrno)
            }
        }
    }

    /// One CRLF-terminated line, without the CRLF.
    mutating func readLine() throws(RedisError) -> String {
        while true {
            var index = position
            while index + 1 < buffer.count {
                if buffer[index] == 13 && buffer[index + 1] == 10 {
                    let line = String(decoding: buffer[position..<index], as: UTF8.self)
                    position = index + 2
                    return line
                }
                index += 1
            }
            try fill()
        }
    }

    /// Exactly `count` bytes followed by CRLF.
    private mutating func readBulk(count: Int) throws(RedisError) -> [UInt8] {
        while buffer.count - position < count + 2 {
            try fill()
        }
        let bytes = Array(buffer[position..<position + count])
        guard buffer[position + count] == 13, buffer[position + count + 1] == 10 else {
            throw RedisError(.protocolError, endpoint: endpoint, detail: "bulk string not followed by CRLF")
        }
        position += count + 2
        return bytes
    }

    /// One RESP2 value (all a probe that never sends `HELLO 3` can receive).
    mutating func readValue(depth: Int) throws(RedisError) -> RESPValue {
        guard depth < Self.maxDepth else {
            throw RedisError(.protocolError, endpoint: endpoint, detail: "reply nested deeper than \(Self.maxDepth)")
        }
        let line = try readLine()
        guard let type = line.utf8.first else {
            throw RedisError(.protocolError, endpoint: endpoint, detail: "empty reply line")
        }
        let rest = String(line.dropFirst())
        switch type {
        case UInt8(ascii: "+"):
            return .simpleString(rest)
        case UInt8(ascii: "-"):
            return .simpleError(rest)
        case UInt8(ascii: ":"):
            guard let value = Int64(rest) else { throw badNumber(line) }
            return .integer(value)
        case UInt8(ascii: "$"):
            guard let count = Int(rest), count >= -1, count <= Self.maxBulk else { throw badNumber(line) }
            if count == -1 { return .bulkString(nil) }
            return .bulkString(try readBulk(count: count))
        case UInt8(ascii: "*"):
            guard let count = Int(rest), count >= -1, count <= Self.maxBulk else { throw badNumber(line) }
            if count == -1 { return .array(nil) }
            var elements: [RESPValue] = []
            elements.reserveCapacity(min(count, 1024))
            for _ in 0..<count {
                elements.append(try readValue(depth: depth + 1))
            }
            return .array(elements)
        default:
            throw RedisError(.protocolError, endpoint: endpoint, detail: "unexpected reply type in '\(line.prefix(40))'")
        }
    }

    private func badNumber(_ line: String) -> RedisError {
        RedisError(.protocolError, endpoint: endpoint, detail: "bad length or integer in '\(line.prefix(40))'")
    }
}
