import POSIX
import RESP
import RedisConnection

/// A tiny blocking client for readiness checks, smoke tests and test setup: never for measurement.
///
/// Each call opens one connection, sends, reads the replies and closes, all within one deadline,
/// so a paused server costs at most `timeoutMs`. It depends on no client target on purpose: the
/// fleet must be able to check a server even while the clients it will measure are broken. It shares
/// their socket (POSIX) and their RESP encoder and decoder, so there is one wire format to get right.
public enum RedisProbe {
    /// Sends `PING` and returns the reply as its RESP line without the CRLF: `+PONG`, or an error line
    /// such as `-NOAUTH Authentication required.`. Any reply means the server is up.
    public static func ping(_ endpoint: Endpoint, timeoutMs: Int = 500) throws(RedisError) -> String {
        let reply = try command(["PING"], at: endpoint, timeoutMs: timeoutMs)
        if let message = reply.errorMessage { return "-" + message }
        return "+" + (reply.string ?? "\(reply)")
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
        var encoder = RESPEncoder(capacity: 256)
        for arguments in commands { encoder.appendCommand(arguments.map(RedisArgument.string)) }
        var connection = try ProbeConnection(to: endpoint, timeoutMs: timeoutMs)
        try connection.send(encoder.bytes)
        var replies: [RESPValue] = []
        replies.reserveCapacity(commands.count)
        for _ in commands { replies.append(try connection.nextReply()) }
        return replies
    }
}

/// One blocking use of a non-blocking socket, with a single deadline for everything done on it.
private struct ProbeConnection: ~Copyable {
    private let socket: Socket
    private let endpoint: String
    private let deadline: UInt64
    private var decoder = RESPDecoder()

    /// Connects within the deadline; the socket is wrapped only once connected, so every failure path
    /// closes it exactly once.
    init(to endpoint: Endpoint, timeoutMs: Int) throws(RedisError) {
        let name = endpoint.description
        let deadline = MonotonicClock.nanos() + UInt64(max(timeoutMs, 1)) * 1_000_000
        let opened: (socket: Socket, inProgress: Bool)
        do {
            let address: SocketAddress
            switch endpoint {
            case .unix(let path): address = try SocketAddress.unix(path: path)
            case .tcp(let host, let port): address = try SocketAddress.resolve(host: host, port: port)
            }
            opened = try Socket.connect(to: address)
        } catch {
            throw RedisError(error, endpoint: name, during: error.call)
        }
        if opened.inProgress {
            let now = MonotonicClock.nanos()
            let failure: RedisError?
            if now >= deadline || !opened.socket.waitWritable(timeoutNanos: deadline - now) {
                failure = RedisError(.timeout, endpoint: name, detail: "connect did not finish before the probe's deadline")
            } else if let pending = opened.socket.pendingError() {
                failure = RedisError(SocketError(call: "connect", errno: pending, target: name), endpoint: name, during: "connect")
            } else {
                failure = nil
            }
            if let failure {
                opened.socket.close()
                throw failure
            }
        }
        self.socket = opened.socket
        self.endpoint = name
        self.deadline = deadline
    }

    deinit { socket.close() }

    func send(_ bytes: [UInt8]) throws(RedisError) {
        var offset = 0
        while offset < bytes.count {
            let result: Result<WriteResult, SocketError> = bytes.withUnsafeBytes { raw in
                Result { () throws(SocketError) in try socket.write(UnsafeRawBufferPointer(rebasing: raw[offset...])) }
            }
            switch result {
            case .success(.wrote(let n)): offset += n
            case .success(.wouldBlock): try waitUntilReady(writing: true)
            case .failure(let error): throw RedisError(error, endpoint: endpoint, during: error.call)
            }
        }
    }

    /// The next whole reply, reading until the decoder has one.
    mutating func nextReply() throws(RedisError) -> RESPValue {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            do {
                if let value = try decoder.next() { return value }
            } catch {
                throw RedisError(.protocolError, endpoint: endpoint, detail: "not a RESP reply: \(error)")
            }
            let result: Result<ReadResult, SocketError> = chunk.withUnsafeMutableBytes { raw in
                Result { () throws(SocketError) in try socket.read(into: raw) }
            }
            switch result {
            case .success(.bytes(let n)): decoder.feed(chunk[0..<n])
            case .success(.wouldBlock): try waitUntilReady(writing: false)
            case .success(.endOfFile):
                throw RedisError(decoder.isMidValue ? .closedMidReply : .connectionClosed, endpoint: endpoint,
                                 detail: "the server closed the connection")
            case .failure(let error): throw RedisError(error, endpoint: endpoint, during: error.call)
            }
        }
    }

    private func waitUntilReady(writing: Bool) throws(RedisError) {
        let now = MonotonicClock.nanos()
        let remaining = deadline > now ? deadline - now : 0
        let ready = remaining > 0 && (writing ? socket.waitWritable(timeoutNanos: remaining) : socket.waitReadable(timeoutNanos: remaining))
        guard ready else {
            throw RedisError(.timeout, endpoint: endpoint, detail: "no progress on \(writing ? "send" : "read") before the probe's deadline")
        }
    }
}
