import BenchMetrics
import Locks
import RedisConnection

/// One scenario run on one client: what was asked, where it ran, what was measured, and whether it finished.
public struct RunResult: Codable, Sendable {
    /// Where, when and from which code.
    public var identity: RunIdentity
    /// The full scenario (client included), so the row can be reproduced.
    public var scenario: Scenario
    /// The servers the run talked to: the named ones, or those the embedded deployment started.
    public var endpoints: [Endpoint]
    /// Everything measured.
    public var measurements: Measurements
    /// The run stopped early (Ctrl-C, a server died): the figures cover only `measurements.windowS`.
    public var partial: Bool
    /// Why the run is partial, e.g. `interrupted (SIGINT)`.
    public var partialReason: String?
    /// The error that ended the run, if one did.
    public var error: String?
    /// Failovers the run followed (Sentinel), in order; `nil` for deployments whose primary cannot move.
    public var failovers: [FailoverWindow]? = nil
    /// Redirects, retries and per-shard figures, for a run on a cluster.
    public var cluster: ClusterFigures?
    /// A shard's clock against the target server's, estimated at its start barrier; `nil` unsharded.
    public var clockOffset: ClockOffset? = nil
    /// A shard's window start on the server's clock (`TIME`, µs since the epoch), the same for every
    /// shard of the run: the instant a merge aligns per-second series and grant intervals on.
    public var serverWindowStartUs: Int64? = nil
    /// Every grant in the window (`--grants-log`), with the clock offset to map it onto the server's
    /// timeline; `nil` when not asked. Written to its own file, and left out of `--json`.
    public var grants: GrantLog? = nil
    /// etcd and ZooKeeper: how the sessions kept their lease or session alive (keep-alives, lateness,
    /// misses, expiries), the counterpart of the Redis watchdog's figures; `nil` on Redis.
    public var storeLiveness: StoreLiveness? = nil

    public init(
        identity: RunIdentity, scenario: Scenario, endpoints: [Endpoint] = [], measurements: Measurements,
        partial: Bool = false, partialReason: String? = nil, error: String? = nil
    ) {
        self.identity = identity
        self.scenario = scenario
        self.endpoints = endpoints
        self.measurements = measurements
        self.partial = partial
        self.partialReason = partialReason
        self.error = error
    }
}
