/// The environment kept a scenario from running (no redis-server, a server that would not start or
/// replicate, a worker that could not be spawned): nothing was measured, so no verdict either.
///
/// Codes are statics over a private enum so that adding one breaks no caller's `switch`.
public struct ChaosEnvironmentError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case servers = "servers", connect = "connect", replication = "replication", worker = "worker"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// redis-server missing, or a fleet could not start or restart.
        public static let servers = Code(.servers)
        /// A client could not connect to a server the harness just started.
        public static let connect = Code(.connect)
        /// A replica did not sync, or Sentinel did not promote it, within the bound.
        public static let replication = Code(.replication)
        /// The worker process could not be started or did not answer.
        public static let worker = Code(.worker)
        /// The code's words.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What failed, on what, and what to try.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `<code>: <message>`.
    public var description: String { "\(code): \(message)" }
}
