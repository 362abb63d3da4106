import LoadDriver
import Locks
import RedisConnection

/// The clients a command runs: one, or both for a comparison.
public enum ClientChoice: String, Sendable, Hashable, CaseIterable {
    case native
    case hiredis
    /// The same scenario on each client, interleaved.
    case both

    /// The clients, in run order.
    public var clients: [RedisClientKind] {
        switch self {
        case .native: return [.native]
        case .hiredis: return [.hiredis]
        case .both: return [.native, .hiredis]
        }
    }
}

/// The settings a user gives for a scenario, one per flag, before validation: `bench run`'s flags
/// fill one, a sweep sets its axes on a copy per cell, and `scenario()` validates and builds the
/// `Scenario` the same way for both. Times stay as the user wrote them (`2ms`, `exp:2ms`) so a
/// refusal can quote them.
public struct ScenarioSettings: Sendable, Hashable {
    /// `nil`: the target store's default (`setnx-px`, `etcd-mutex`, `zk-recipe`).
    public var algorithm: LockAlgorithmKind?
    /// `nil`: the algorithm's default (`backoff` on Redis, `watch` on a consensus store).
    public var wait: WaitStrategy.Kind?
    /// `--target`: the store the run locks on (Redis unless a consensus store is named).
    public var target = TargetChoice.redis
    /// `--etcd`: client endpoints of an etcd cluster someone else runs.
    public var etcdEndpoints: [Endpoint] = []
    /// `--zookeeper`: client endpoints of a ZooKeeper ensemble someone else runs.
    public var zookeeperEndpoints: [Endpoint] = []
    public var contenders = 400
    public var keys = 40
    /// `--key-dist` as given: `fixed`, `uniform`, `zipf:θ`, `hotspot:P%/Q%`.
    public var keyDist = "fixed"
    public var connections = 4
    /// Most acquisitions in progress per connection (0: no limit).
    public var pipeline = 0
    public var ttl = "10s"
    public var hold = "1ms"
    public var think = "0"
    public var duration = "5s"
    public var warmup = "1s"
    public var requests: Int?
    /// Open loop at this many arrivals per second; `nil` is closed loop.
    public var rate: Double?
    public var arrivals = Arrivals.poisson
    public var redlockNodes = 5
    public var driftFactor = 0.01
    public var driftFixed = "2ms"
    public var waitTimes = WaitTimes()
    public var clockSkew = "0"
    public var acquireTimeout = "10s"
    public var commandTimeout = "5s"
    /// External servers; empty means embedded ones.
    public var servers: [Endpoint] = []
    /// Embedded servers listen on Unix sockets.
    public var unix = false
    /// The embedded deployment to start when no server, cluster or sentinel is named.
    public var topology = TopologyChoice.standalone
    /// Seed nodes of an external Redis Cluster (`--cluster`); the slot map is discovered from them.
    public var clusterSeeds: [Endpoint] = []
    /// Sentinels of an external Sentinel deployment (`--sentinel`).
    public var sentinels: [Endpoint] = []
    /// The primary's name the sentinels know (`--master-name`).
    public var masterName: String?
    public var user: String?
    public var password: CredentialsSource?
    /// The sentinels' ACL user and password source (`--sentinel-user`, `--sentinel-password-*`).
    public var sentinelUser: String?
    public var sentinelPassword: CredentialsSource?
    public var db = 0
    /// `nil`: plain TCP. Checked by `scenario()`: files readable, TCP, a client that has TLS.
    public var tls: TLSOptions?
    /// `nil`: a random seed, drawn once by `scenario()`.
    public var seed: UInt64?
    /// `nil`: the number of cores.
    public var queues: Int?
    /// `auto`, `off` or a time.
    public var replyWait = "auto"

    public init() {}
}

/// The wait strategies' own times, as given (see `ScenarioSettings.waitSpec`).
public struct WaitTimes: Sendable, Hashable {
    public var fixedDelay = "\(WaitStrategy.defaultFixedDelay)"
    public var backoffBase = "\(WaitStrategy.defaultBackoffBase)"
    public var backoffCap = "\(WaitStrategy.defaultBackoffCap)"
    /// `nil`: the strategy's default (200ms for pubsub, 1s for fifo).
    public var fallback: String?

    public init() {}
}

/// A setting refused by validation; the message names the flag, the value and what is allowed.
public struct ScenarioSettingsError: Error, Sendable, CustomStringConvertible {
    public var description: String
    /// The setting refused, as its flag name without dashes (`keys`), when one setting is to blame: a
    /// gate plan points at that key's line.
    public var flag: String?

    public init(_ description: String, flag: String? = nil) {
        self.description = description
        self.flag = flag
    }

    static func bad(_ flag: String, _ value: String, _ allowed: String) -> ScenarioSettingsError {
        ScenarioSettingsError("--\(flag) '\(value)' is invalid: \(allowed).", flag: flag)
    }
}
