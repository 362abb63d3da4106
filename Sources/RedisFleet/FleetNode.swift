import RedisConnection

/// What a fleet node's process is doing, as the fleet last saw it.
public enum NodeState: Sendable, Hashable, CustomStringConvertible {
    /// A `restart` is spawning it or waiting for its first PING.
    case starting
    /// Answering.
    case running
    /// SIGSTOPped by `pause`: connections are accepted by the kernel but nothing is answered.
    case paused
    /// SIGKILLed by `kill` (or its `restart` failed): no process until `restart`.
    case killed
    /// The process ended on its own (a crash, or someone else's signal); `restart` brings it back.
    case exited
    /// Stopped with the fleet.
    case stopped

    /// The state's name.
    public var description: String {
        switch self {
        case .starting: return "starting"
        case .running: return "running"
        case .paused: return "paused"
        case .killed: return "killed"
        case .exited: return "exited"
        case .stopped: return "stopped"
        }
    }
}

/// A snapshot of one node of a fleet.
public struct FleetNode: Sendable, Hashable {
    /// Position in the fleet, as used by `kill(_:)`, `restart(_:)` and the others.
    public var index: Int
    /// Where it listens; the same across restarts.
    public var endpoint: Endpoint
    /// The pid of its latest process, alive or not: look at `state` before using it.
    public var pid: Int32
    /// What the process is doing.
    public var state: NodeState
    /// How the process ended, when it has (e.g. `exit code 0` after a graceful stop, `signal 9 (SIGKILL)`).
    public var exitDescription: String?
    /// The node's own temp directory (its `dir`), removed when the fleet stops.
    public var directory: String
    /// The node's config file (mode 0600; it may hold passwords).
    public var configPath: String
    /// The node's redis log file.
    public var logPath: String
}

/// Paths of one node's files inside the fleet's temp directory.
struct NodeLayout: Sendable, Hashable {
    var directory: String
    var configPath: String { directory + "/redis.conf" }
    var logPath: String { directory + "/redis.log" }
    /// The child's stdout and stderr: redis prints config errors here before the logfile is open.
    var outputPath: String { directory + "/stdout.log" }
    var socketPath: String { directory + "/redis.sock" }
}
