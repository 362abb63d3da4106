import Locks
import RedisConnection

/// Everything that decides what a run does: one typed value, printed into every output (CSV
/// columns, JSON), so any row can be reproduced with the same flags. It holds where the secret comes
/// from, never the secret.
public struct Scenario: Codable, Sendable, Hashable {
    /// Which client carries the commands.
    public var client: RedisClientKind
    /// The servers: topology, and whether lockbench starts them.
    public var deployment: Deployment
    /// Database, ACL user, password source and timeouts.
    public var connection: ConnectionSettings
    /// Algorithm, wait strategy, TTL and Redlock parameters.
    public var lock: LockSpec
    /// Concurrent contenders (state machines, not threads).
    public var contenders: Int
    /// Distinct lock keys; with the `fixed` `keyDist` contender i uses key i % keys, so contenders/keys
    /// is the contention.
    public var keys: Int
    /// Which key each acquisition locks: the fixed layout above, or a key drawn per acquisition.
    @DefaultWhenAbsent public var keyDist: KeyDistribution = .fixed
    /// Command connections per server (contenders share them, pipelined).
    public var connections: Int
    /// Most commands one connection may have outstanding; further sends wait in the driver.
    public var pipeline: Int
    /// How long a holder keeps the lock.
    public var hold: TimeDistribution
    /// Pause between a release and the next acquire (closed loop).
    public var think: TimeDistribution
    /// Closed loop, or open loop at a fixed arrival rate.
    public var mode: LoadMode
    /// Measurement window, seconds.
    public var durationS: Double
    /// Warm-up before the window, seconds (discarded).
    public var warmupS: Double
    /// Stop after this many acquisitions in the window (`nil`: run for the duration).
    public var requests: Int?
    /// Seed for tokens, jitter, hold/think draws and arrivals.
    public var seed: UInt64
    /// Serial Dispatch queues the contenders are spread over.
    public var queues: Int
    /// An acquisition not granted within this long counts as failed, ms.
    public var acquireTimeoutMs: Int
    /// Client clock skew spread, ms: contender i's clock is offset by a value spread evenly over
    /// ±skew (legacy-getset judges expiry with it; other algorithms ignore it).
    public var clockSkewMs: Int
    /// How long a lane's queue may wait in `poll(2)` for owed replies before handing its thread back to
    /// Dispatch, µs (`ConnectionOptions.inlineReplyWaitMicros`): `nil` decides by the layout (1 ms when
    /// every lane owns one socket, else none), 0 never waits.
    public var replyWaitUs: Int?
    /// Keep going through faults, reopening dead connections (`nil`: a dead server ends the run).
    public var reconnect: ReconnectPolicy? = nil
    /// Keep every acquisition's end in a log of at most this many events per lane (`nil`: no log); see
    /// `DriverOutcome.events`.
    public var eventLogCapacity: Int? = nil
    /// A busy-wait added to every acquisition on the lane's queue, µs (`nil`: none): a slowdown in the
    /// driver path both clients share, which `bench gate` must catch against its C reference.
    public var sharedPathDelayUs: Int? = nil
    /// Keep a histogram per latency kind per second of the window (`true` for `--hlog`; `nil`: none).
    /// Off by default: it costs a fresh histogram per kind per second, and memory for every second.
    public var intervalHistograms: Bool? = nil
    /// Log every grant in the window with its hold's start and end (`true` for `--grants-log`; `nil`: no).
    public var recordGrants: Bool? = nil
    /// This process's share of a run spread over several (`--shard I/N`); `nil`: the whole run.
    public var shard: ShardSpec? = nil

    /// The global indices of the contenders this process runs: all of them, or its shard's slice.
    public var localContenders: Range<Int> { shard?.contenders(of: contenders) ?? 0..<contenders }

    /// Lanes the driver makes: each needs a connection and a key of its own.
    public var laneCount: Int { max(1, min(queues, connections, keys)) }

    /// The reply wait the lanes use, µs (0: none), with `replyWaitUs` resolved.
    public var effectiveReplyWaitUs: Int {
        if let replyWaitUs { return replyWaitUs }
        // One socket per lane: waiting on it holds up nothing else on the queue.
        let oneSocketPerLane = connections == laneCount && lock.commandConnections == 1 && !lock.needsSubscriber
        // 1 ms: the timer wheel's tick, so sleeps and holds run no later than the wheel makes them.
        return oneSocketPerLane ? 1_000 : 0
    }

    /// A scenario; with no `deployment`, the servers lockbench starts for `lock` (Redlock's masters, or one).
    public init(
        client: RedisClientKind, deployment: Deployment? = nil, connection: ConnectionSettings = ConnectionSettings(),
        lock: LockSpec, contenders: Int, keys: Int, connections: Int, pipeline: Int,
        hold: TimeDistribution, think: TimeDistribution, mode: LoadMode, durationS: Double, warmupS: Double, requests: Int?,
        seed: UInt64, queues: Int, acquireTimeoutMs: Int = 10_000, clockSkewMs: Int = 0, replyWaitUs: Int? = nil,
        keyDist: KeyDistribution = .fixed
    ) {
        self.client = client
        self.deployment = deployment ?? .embedded(for: lock)
        self.connection = connection
        self.lock = lock
        self.contenders = contenders
        self.keys = keys
        self.connections = connections
        self.pipeline = pipeline
        self.hold = hold
        self.think = think
        self.mode = mode
        self.durationS = durationS
        self.warmupS = warmupS
        self.requests = requests
        self.seed = seed
        self.queues = queues
        self.acquireTimeoutMs = acquireTimeoutMs
        self.clockSkewMs = clockSkewMs
        self.replyWaitUs = replyWaitUs
        self.keyDist = keyDist
    }
}

extension Deployment {
    /// The topology `lock` needs, started by lockbench: Redlock's masters, one member of a store's
    /// algorithm's store, else one server.
    public static func embedded(for lock: LockSpec, transport: EmbeddedTransport = .tcp) -> Deployment {
        switch lock.algorithm.store {
        case .etcd: return .etcd(.embedded(members: 1))
        case .zookeeper: return .zookeeper(.embedded(members: 1))
        case .redis:
            return lock.algorithm == .redlock
                ? .redlock(.embedded(count: lock.redlock.nodes, transport: transport))
                : .standalone(.embedded(count: 1, transport: transport))
        }
    }

    /// The topology `lock` needs over servers someone else runs.
    public static func external(_ endpoints: [Endpoint], for lock: LockSpec) -> Deployment {
        lock.algorithm == .redlock ? .redlock(.external(endpoints)) : .standalone(.external(endpoints))
    }
}

/// Closed loop (each contender waits for its own cycle) or open loop (arrivals at a rate, whatever the
/// system's state: the only honest way to see queueing delay).
public enum LoadMode: Codable, Sendable, Hashable, CustomStringConvertible {
    /// acquire → hold → release → think, per contender.
    case closed
    /// Acquisitions start at `rate` per second across all contenders, with the given arrival process.
    case open(rate: Double, arrivals: Arrivals)

    /// `closed`, `open`.
    public var name: String {
        switch self {
        case .closed: return "closed"
        case .open: return "open"
        }
    }

    /// The rate for open loop, else `nil`.
    public var rate: Double? {
        if case .open(let rate, _) = self { return rate }
        return nil
    }

    /// `closed` or `open(1000/s poisson)`.
    public var description: String {
        switch self {
        case .closed: return "closed"
        case .open(let rate, let arrivals): return "open(\(rate)/s \(arrivals.rawValue))"
        }
    }
}

/// Inter-arrival process for open loop.
public enum Arrivals: String, Codable, Sendable, Hashable, CaseIterable {
    /// Exponential gaps (a Poisson process): bursts as real traffic has.
    case poisson
    /// Equal gaps.
    case uniform
}

/// A time that is fixed or drawn from a distribution, e.g. `2ms`, `exp:2ms`, `uniform:1ms-5ms`.
public enum TimeDistribution: Codable, Sendable, Hashable, CustomStringConvertible {
    /// Always this many microseconds.
    case fixed(us: Int)
    /// Exponential with this mean, microseconds.
    case exponential(meanUs: Int)
    /// Uniform between the two bounds, microseconds.
    case uniform(minUs: Int, maxUs: Int)

    /// The flag syntax that produces this value.
    public var description: String {
        switch self {
        case .fixed(let us): return Self.format(us)
        case .exponential(let mean): return "exp:\(Self.format(mean))"
        case .uniform(let lo, let hi): return "uniform:\(Self.format(lo))-\(Self.format(hi))"
        }
    }

    /// The longest value the distribution can draw, microseconds; `nil` for exponential (unbounded).
    public var maxUs: Int? {
        switch self {
        case .fixed(let us): return us
        case .uniform(_, let hi): return hi
        case .exponential: return nil
        }
    }

    /// The mean, microseconds.
    public var meanUs: Double {
        switch self {
        case .fixed(let us): return Double(us)
        case .exponential(let mean): return Double(mean)
        case .uniform(let lo, let hi): return Double(lo + hi) / 2
        }
    }

    static func format(_ us: Int) -> String {
        if us == 0 { return "0ms" }
        if us % 1_000_000 == 0 { return "\(us / 1_000_000)s" }
        if us % 1_000 == 0 { return "\(us / 1_000)ms" }
        return "\(us)us"
    }
}
