import CZooKeeper

/// A ZooKeeper request or session that failed: the C client's code, the operation and the servers.
public struct ZooKeeperError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The C client's return code (`ZCONNECTIONLOSS`, `ZNONODE`, …), or one of the harness's own below.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The `ZOO_ERRORS` value (negative), as the C client returned it.
        public let rawValue: Int32
        public init(_ rawValue: Int32) { self.rawValue = rawValue }

        /// The connection dropped with the request in flight: it may or may not have been applied.
        public static let connectionLoss = Code(ZCONNECTIONLOSS.rawValue)
        /// The server expired the session: every ephemeral znode of it is gone.
        public static let sessionExpired = Code(ZSESSIONEXPIRED.rawValue)
        /// The znode is not there (released, or dropped with an expired session).
        public static let noNode = Code(ZNONODE.rawValue)
        /// A create found the path taken: a persistent parent made earlier, which the recipe expects.
        public static let nodeExists = Code(ZNODEEXISTS.rawValue)
        /// A delete of a znode that still has children.
        public static let notEmpty = Code(ZNOTEMPTY.rawValue)
        /// The handle is closing (the connection was closed with the request pending).
        public static let closing = Code(ZCLOSING.rawValue)
        /// The handle is expired or failed authentication: no request can go out on it any more.
        public static let invalidState = Code(ZINVALIDSTATE.rawValue)
        /// No ZooKeeper handshake within the connect deadline (the harness's own code, outside the C range).
        public static let handshakeTimeout = Code(-10_001)

        /// The C constant's name, e.g. `ZCONNECTIONLOSS`.
        public var description: String {
            switch self {
            case .connectionLoss: return "ZCONNECTIONLOSS"
            case .sessionExpired: return "ZSESSIONEXPIRED"
            case .noNode: return "ZNONODE"
            case .nodeExists: return "ZNODEEXISTS"
            case .notEmpty: return "ZNOTEMPTY"
            case .closing: return "ZCLOSING"
            case .invalidState: return "ZINVALIDSTATE"
            case .handshakeTimeout: return "no handshake"
            default: return "ZooKeeper error \(rawValue)"
            }
        }
    }

    /// What the C client (or the connect deadline) said.
    public var code: Code
    /// The request, e.g. `create /lockbench/k/lock-`.
    public var operation: String
    /// The connect string of the servers asked.
    public var servers: String
    /// What to try, when the code alone does not say.
    public var hint: String?

    public init(_ code: Code, operation: String, servers: String, hint: String? = nil) {
        self.code = code
        self.operation = operation
        self.servers = servers
        self.hint = hint
    }

    /// The request, the servers, the code with the C client's words, and what to try.
    public var description: String {
        var text = "\(operation) on ZooKeeper \(servers): \(code)"
        if code.rawValue > -10_000, let message = zerror(code.rawValue) { text += " (\(String(cString: message)))" }
        if let hint { text += ". \(hint)" }
        return text
    }
}
