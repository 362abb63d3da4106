import RedisConnection

/// Why a fleet could not start, restart or find its `redis-server`.
///
/// Like `RedisError`, the codes are statics over a private enum so that adding one breaks no
/// caller's `switch`. The description names the node and endpoint, says what to try, and on a
/// failed start carries the last lines of that node's log, because the log usually says why.
public struct FleetError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case executableNotFound = "redis-server not found"
            case versionUnknown = "cannot read the redis-server version"
            case fileSystem = "file system error"
            case spawnFailed = "cannot start the process"
            case exitedDuringStart = "exited during start"
            case addressInUse = "address already in use"
            case startTimeout = "did not answer PING in time"
            case invalidArgument = "invalid argument"
            case fleetStopped = "fleet already stopped"
            case busy = "node busy"
            case cancelled = "cancelled"
            case replication = "replication did not come up"
            case tls = "cannot set up TLS"
            case cluster = "cluster did not settle"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// No `redis-server` on `PATH`, or the override names no executable file.
        public static let executableNotFound = Code(.executableNotFound)
        /// `redis-server --version` failed or printed something unexpected.
        public static let versionUnknown = Code(.versionUnknown)
        /// A temp directory or config file could not be created or written.
        public static let fileSystem = Code(.fileSystem)
        /// `posix_spawn` itself failed.
        public static let spawnFailed = Code(.spawnFailed)
        /// The server process exited before it answered PING (bad config, bad binary).
        public static let exitedDuringStart = Code(.exitedDuringStart)
        /// The port was taken by the time the server bound it (after the retries a start makes).
        public static let addressInUse = Code(.addressInUse)
        /// The server was running but did not answer PING before the deadline.
        public static let startTimeout = Code(.startTimeout)
        /// A count, index or option the fleet cannot use.
        public static let invalidArgument = Code(.invalidArgument)
        /// `restart` after `stop()`: the fleet's directories are gone.
        public static let fleetStopped = Code(.fleetStopped)
        /// Another `restart` of the same node is still under way.
        public static let busy = Code(.busy)
        /// The task that was starting the server was cancelled.
        public static let cancelled = Code(.cancelled)
        /// A replica did not sync, or a Sentinel did not see or promote it, within the bound.
        public static let replication = Code(.replication)
        /// The run's certificates could not be made (no `openssl`, or it failed).
        public static let tls = Code(.tls)
        /// A cluster did not form, or did not settle after a failover or migration, within the bound;
        /// or a cluster admin command was refused.
        public static let cluster = Code(.cluster)

        /// The code's words, e.g. `exited during start`.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// Index of the node that failed, when one did.
    public var node: Int?
    /// That node's endpoint, when it has one.
    public var endpoint: Endpoint?
    /// What exactly failed: the OS error, the path, the exit status.
    public var detail: String
    /// What to try next.
    public var hint: String?
    /// The errno, when an OS call failed.
    public var errno: Int32?
    /// The last lines of the node's log (and its captured stderr), when it has one.
    public var logTail: String?

    public init(
        _ code: Code, node: Int? = nil, endpoint: Endpoint? = nil, detail: String,
        hint: String? = nil, errno: Int32? = nil, logTail: String? = nil
    ) {
        self.code = code
        self.node = node
        self.endpoint = endpoint
        self.detail = detail
        self.hint = hint
        self.errno = errno
        self.logTail = logTail
    }

    /// What failed, on which node and endpoint, what to try, then the log tail.
    public var description: String {
        var text = ""
        if let node {
            text += "redis-server node \(node)"
            if let endpoint { text += " (\(endpoint))" }
            text += ": \(code): "
        }
        text += detail
        if let hint { text += ". \(hint)" }
        if let logTail, !logTail.isEmpty {
            text += "\n--- last lines of its log ---\n\(logTail)"
        }
        return text
    }
}
