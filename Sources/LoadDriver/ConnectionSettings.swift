import RedisConnection

/// Where the password comes from. The scenario records the source, never the secret; the harness
/// reads it once, when it connects.
public enum CredentialsSource: Codable, Sendable, Hashable, CustomStringConvertible {
    /// An environment variable's value.
    case environment(variable: String)
    /// The first line of a file.
    case file(path: String)

    /// Reads the password now (the one read per run).
    public func read(username: String?) throws(CredentialsError) -> Credentials {
        switch self {
        case .environment(let variable): return try Credentials.fromEnvironment(variable: variable, username: username)
        case .file(let path): return try Credentials.fromFile(path: path, username: username)
        }
    }

    /// `env:VAR` or `file:PATH`.
    public var description: String {
        switch self {
        case .environment(let variable): return "env:\(variable)"
        case .file(let path): return "file:\(path)"
        }
    }
}

/// How the run's connections are opened: everything but the secret itself.
public struct ConnectionSettings: Codable, Sendable, Hashable {
    /// Database index (`SELECT`).
    public var db: Int
    /// ACL user, if any.
    public var user: String?
    /// Where the password is read from at connect time (`nil`: no AUTH).
    public var password: CredentialsSource?
    /// Per-command reply deadline, ms: a server that stops answering fails the connection after this.
    public var commandTimeoutMs: Int
    /// Give up connecting (and the handshake) after this long, ms.
    public var connectTimeoutMs: Int
    /// TLS (native client only); `nil` is plain TCP. On embedded servers a file left `nil` means the
    /// run's own: the CA the fleet generated, and the client certificate it signed.
    public var tls: TLSOptions?
    /// ACL user for the sentinels, if they need one; kept apart from the data servers' `user`.
    public var sentinelUser: String? = nil
    /// Where the sentinels' password is read from (`nil`: no AUTH to the sentinels). Sentinels often
    /// have a password of their own, or none where the data servers have one.
    public var sentinelPassword: CredentialsSource? = nil

    public init(
        db: Int = 0, user: String? = nil, password: CredentialsSource? = nil, commandTimeoutMs: Int = 5_000, connectTimeoutMs: Int = 3_000,
        tls: TLSOptions? = nil
    ) {
        self.db = db
        self.user = user
        self.password = password
        self.commandTimeoutMs = commandTimeoutMs
        self.connectTimeoutMs = connectTimeoutMs
        self.tls = tls
    }

    /// The client options, with the password read now (`CredentialsSource.read`).
    public func options() throws(CredentialsError) -> ConnectionOptions {
        let credentials = try password?.read(username: user)
        return ConnectionOptions(connectTimeoutMs: connectTimeoutMs, commandTimeoutMs: commandTimeoutMs, credentials: credentials, database: db, tls: tls)
    }

    /// The options for talking to the sentinels, their password read now: no database, the data
    /// servers' TLS settings, and the
    /// command timeout also bounds a subscription's confirmation.
    public func sentinelOptions() throws(CredentialsError) -> ConnectionOptions {
        let credentials = try sentinelPassword?.read(username: sentinelUser)
        // A TLS deployment's sentinels serve TLS too, with the same CA.
        return ConnectionOptions(connectTimeoutMs: connectTimeoutMs, commandTimeoutMs: commandTimeoutMs, credentials: credentials, database: 0, tls: tls)
    }
}
