/// How each `redis-server` of a fleet is configured.
///
/// Every node also gets, whatever these say: `save ""` and `appendonly no` (a benchmark must not
/// measure disk), its own temp directory as `dir`, a `logfile` there, and `bind 127.0.0.1`.
/// Secrets are written only to a mode-0600 config file in that directory, never to the command
/// line or the environment, where `ps` and `/proc` would show them.
public struct RedisServerOptions: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Where the servers listen.
    public enum Transport: Sendable, Hashable, CustomStringConvertible {
        /// `127.0.0.1` on a free port chosen at start.
        case tcp
        /// A Unix socket in the node's temp directory (TCP is turned off with `port 0`).
        case unix

        /// `tcp` or `unix`.
        public var description: String {
            switch self {
            case .tcp: return "tcp"
            case .unix: return "unix"
            }
        }
    }

    /// Where the servers listen.
    public var transport: Transport
    /// `requirepass` for the default user; `nil` leaves the default user open.
    public var password: String?
    /// ACL users to create, each as one `user` directive.
    public var aclUsers: [ACLUser]
    /// More directives, appended after the fleet's own (a later directive wins), e.g. `replicaof`.
    public var extraConfig: [ConfigDirective]
    /// Path (or bare name looked up on `PATH`) of the `redis-server` to run; `nil` searches `PATH`.
    public var executable: String?
    /// How long a node may take to answer its first PING before start fails.
    public var startTimeoutMs: Int
    /// A TLS port beside the plain one (TCP transport only); `nil` serves plain TCP only.
    public var tls: ServerTLS?

    /// Options with defaults: TCP, no password, no ACL users, nothing extra, `redis-server` from `PATH`, 10 s.
    public init(
        transport: Transport = .tcp,
        password: String? = nil,
        aclUsers: [ACLUser] = [],
        extraConfig: [ConfigDirective] = [],
        executable: String? = nil,
        startTimeoutMs: Int = 10_000,
        tls: ServerTLS? = nil
    ) {
        self.transport = transport
        self.password = password
        self.aclUsers = aclUsers
        self.extraConfig = extraConfig
        self.executable = executable
        self.startTimeoutMs = startTimeoutMs
        self.tls = tls
    }

    /// The options with every password replaced by `<redacted>`, so logging them leaks nothing.
    public var description: String {
        var parts = ["transport: \(transport)"]
        if password != nil { parts.append("password: <redacted>") }
        if !aclUsers.isEmpty { parts.append("aclUsers: [\(aclUsers.map(\.description).joined(separator: ", "))]") }
        if !extraConfig.isEmpty { parts.append("extraConfig: [\(extraConfig.map(\.description).joined(separator: ", "))]") }
        if let executable { parts.append("executable: \(executable)") }
        parts.append("startTimeoutMs: \(startTimeoutMs)")
        if let tls { parts.append("tls: tls-auth-clients \(tls.clientCertificates.rawValue)") }
        return "RedisServerOptions(\(parts.joined(separator: ", ")))"
    }

    /// Same as `description`: debug output must not show passwords either.
    public var debugDescription: String { description }
}

/// One ACL user, written to the config as `user <name> reset on ><password> <rules...>`.
public struct ACLUser: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public var name: String
    public var password: String
    /// ACL rules after the password, e.g. `["~*", "&*", "+@all"]`.
    public var rules: [String]

    /// Makes a user; the default rules grant every key, channel and command.
    public init(name: String, password: String, rules: [String] = ["~*", "&*", "+@all"]) {
        self.name = name
        self.password = password
        self.rules = rules
    }

    /// Makes a user from rules written as in `redis.conf`, e.g. `"~* +@all"` (split at whitespace).
    public init(name: String, password: String, rules: String) {
        self.init(name: name, password: password, rules: rules.split(whereSeparator: \.isWhitespace).map(String.init))
    }

    /// The user with the password redacted.
    public var description: String { "\(name) <redacted> \(rules.joined(separator: " "))" }

    /// Same as `description`: debug output must not show the password either.
    public var debugDescription: String { description }
}

/// One raw config directive, e.g. `ConfigDirective("replicaof", "127.0.0.1", "6380")`.
///
/// Each argument is written quoted and escaped, so a value with spaces or newlines stays one
/// argument and cannot inject another directive.
public struct ConfigDirective: Sendable, Hashable, CustomStringConvertible {
    /// The directive name (letters, digits and `-`).
    public var name: String
    public var arguments: [String]

    public init(_ name: String, _ arguments: String...) {
        self.name = name
        self.arguments = arguments
    }

    public init(name: String, arguments: [String]) {
        self.name = name
        self.arguments = arguments
    }

    /// `name arg1 arg2`, unquoted, for messages.
    public var description: String { ([name] + arguments).joined(separator: " ") }
}
