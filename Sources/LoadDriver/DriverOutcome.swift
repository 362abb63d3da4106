import BenchMetrics
import Locks

/// What a run measured, before formatting.
public struct DriverOutcome: Sendable {
    /// Every lane's recorder merged.
    public var recorder: QueueRecorder
    /// Per server (in scenario order): INFO deltas over the window; `nil` where a snapshot failed.
    public var serverDeltas: [ServerStatsDelta?]
    /// The harness process's CPU, RSS and threads over the window.
    public var process: ProcessCost?
    /// Length of the measurement window actually run, seconds.
    public var windowSeconds: Double
    /// The run stopped early (Ctrl-C, a dead server, an error); figures cover what was measured.
    public var partial: Bool
    /// Why it stopped early.
    public var partialReason: String?
    /// A fatal error that ended the run, if any (e.g. a server that died).
    public var fatalError: String?
    /// Commands the lock layer sent during the window.
    public var clientCommands: Int
    /// Redis version reported by the first server.
    public var redisVersion: String?
    /// Every acquisition's end, when the scenario asked for a log (`Scenario.eventLogCapacity`).
    public var events: LoadEventLog? = nil
    /// Connections reopened after a fault (`Scenario.reconnect`).
    public var reconnects = 0
    /// Contenders still busy when the drain's bound ran out (stuck on a server that never answered).
    public var undrained = 0
    /// Failovers the run followed (a deployment with a `PrimaryWatch`), in order.
    public var failovers: [FailoverWindow] = []
    /// Grants in the window on this machine's wall clock, when the scenario asked (`Scenario.recordGrants`).
    public var grants: [GrantInterval]? = nil
    /// How the store sessions kept their leases alive, summed over lanes; `nil` on Redis.
    public var storeLiveness: StoreLiveness? = nil

    /// Whether the harness, not the server, limited the run (judged from the merged recorder).
    public var harness: HarnessLoad? { recorder.harness.map(HarnessLoad.init) }
}

/// A run that could not start: an environment problem, not a measurement.
public struct DriverError: Error, Sendable, CustomStringConvertible {
    /// What failed and what to do.
    public var description: String

    public init(_ description: String) { self.description = description }
}

/// The live progress line's figures, once a second.
public struct ProgressSnapshot: Sendable {
    /// Seconds since the run started (warm-up included).
    public var elapsedSeconds: Double
    /// Whether the measurement window has begun.
    public var measuring: Bool
    /// Acquisitions in the last second.
    public var acquisitionsPerSecond: Double
    /// Acquire p99 within the window so far, µs.
    public var p99Us: Double?
    /// Errors so far.
    public var errors: Int
}
