/// A transport-level failure of a connection, naming the endpoint.
///
/// Server error replies (`-ERR`) are not `RedisError`s: they arrive as `RESPValue.simpleError`.
/// Codes are statics over a private enum so that adding one breaks no caller's `switch`.
public struct RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case connectionRefused = "connection refused"
            case connectionReset = "connection reset"
            case connectionClosed = "connection closed"
            case closedMidReply = "connection closed mid-reply"
            case timeout = "timeout"
            case protocolError = "protocol error"
            case authenticationFailed = "authentication failed"
            case handshakeFailed = "handshake failed"
            case addressResolution = "address resolution failed"
            case io = "I/O error"
            case closedByClient = "closed by client"
            case unsupported = "unsupported"
            case tls = "TLS failed"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Nothing listens at the endpoint (ECONNREFUSED, or a missing Unix socket).
        public static let connectionRefused = Code(.connectionRefused)
        /// The peer reset the connection (ECONNRESET, EPIPE).
        public static let connectionReset = Code(.connectionReset)
        /// The server closed the connection between replies.
        public static let connectionClosed = Code(.connectionClosed)
        /// The server closed the connection with part of a reply received.
        public static let closedMidReply = Code(.closedMidReply)
        /// The connect or a command deadline passed.
        public static let timeout = Code(.timeout)
        /// The server sent bytes that are not valid RESP.
        public static let protocolError = Code(.protocolError)
        /// `AUTH` was refused.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// `SELECT` or `HELLO` was refused.
        public static let handshakeFailed = Code(.handshakeFailed)
        /// The host name did not resolve.
        public static let addressResolution = Code(.addressResolution)
        /// Any other socket error.
        public static let io = Code(.io)
        /// `close()` was called with commands outstanding.
        public static let closedByClient = Code(.closedByClient)
        /// The client cannot do what was asked (e.g. RESP3 on hiredis 0.14).
        public static let unsupported = Code(.unsupported)
        /// The TLS handshake or record layer failed: an unknown CA, a name mismatch, a plain port,
        /// an unreadable certificate or key.
        public static let tls = Code(.tls)

        /// The code's words, e.g. `connection refused`.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// The endpoint, as `host:port` or `unix:path`.
    public var endpoint: String
    /// Detail: the OS error text, the server's reply, the decoder's message.
    public var detail: String
    /// The errno, when an OS call failed.
    public var errno: Int32?

    public init(_ code: Code, endpoint: String, detail: String = "", errno: Int32? = nil) {
        self.code = code
        self.endpoint = endpoint
        self.detail = detail
        self.errno = errno
    }

    /// What failed, where, and what to try.
    public var description: String {
        var text = "redis \(endpoint): \(code)"
        // Server messages often end with their own period; don't double it before the hint.
        var trimmed = Substring(detail)
        while trimmed.last == "." || trimmed.last == " " { trimmed = trimmed.dropLast() }
        if !trimmed.isEmpty { text += ": \(trimmed)" }
        switch code {
        case .connectionRefused: text += ". Is redis-server running there?"
        case .authenticationFailed: text += ". Check the user and the password source (--password-env/--password-file)"
        case .timeout: text += ". The server may be overloaded, paused, or unreachable"
        case .tls: text += ". Check --cacert (the CA that signed the server's certificate), --tls-server-name, and that the port speaks TLS"
        default: break
        }
        return text
    }

    /// Equal when code and endpoint are (detail wording may differ between clients).
    public static func == (a: RedisError, b: RedisError) -> Bool { a.code == b.code && a.endpoint == b.endpoint }
    /// Hashes code and endpoint.
    public func hash(into h: inout Hasher) {
        h.combine(code)
        h.combine(endpoint)
    }
}
