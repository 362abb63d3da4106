/// How to open a connection: timeouts, authentication, database and protocol.
public struct ConnectionOptions: Sendable, Hashable {
    /// RESP protocol version to speak. hiredis 0.14 speaks only RESP2.
    public enum ProtocolVersion: Int, Sendable, Hashable {
        /// RESP2 (the default, and what both clients are compared on).
        case resp2 = 2
        /// RESP3, negotiated with `HELLO 3` (native client only).
        case resp3 = 3
    }

    /// Give up connecting (and authenticating) after this many milliseconds.
    public var connectTimeoutMs: Int
    /// Fail the connection when the oldest outstanding command has waited this long; `nil` waits forever.
    public var commandTimeoutMs: Int?
    /// `AUTH` credentials, sent before anything else.
    public var credentials: Credentials?
    /// `SELECT db` after connecting (0 sends nothing).
    public var database: Int
    /// RESP version.
    public var protocolVersion: ProtocolVersion
    /// When replies are owed, wait for them in `poll(2)` on the queue's own thread for up
    /// to this long before handing the thread back to Dispatch. `nil` (the default) never waits.
    ///
    /// A Dispatch read source wakes the manager thread, which then wakes a worker to run the handler:
    /// two thread wake-ups per reply where an event loop has one, about a fifth of a loopback round
    /// trip. Waiting inline removes the second, but holds the queue: other work on it (timers, other
    /// connections' replies) waits up to this long. Meant for a queue that owns only this connection.
    public var inlineReplyWaitMicros: Int?
    /// TLS, handshaken before `handshakeSteps`; `nil` is plain TCP. hiredis 0.14 refuses it.
    public var tls: TLSOptions?

    /// Options with defaults: 2 s connect timeout, no command timeout, no auth, db 0, RESP2, plain TCP.
    public init(
        connectTimeoutMs: Int = 2_000,
        commandTimeoutMs: Int? = nil,
        credentials: Credentials? = nil,
        database: Int = 0,
        protocolVersion: ProtocolVersion = .resp2,
        tls: TLSOptions? = nil
    ) {
        self.connectTimeoutMs = connectTimeoutMs
        self.commandTimeoutMs = commandTimeoutMs
        self.credentials = credentials
        self.database = database
        self.protocolVersion = protocolVersion
        self.tls = tls
    }
}
