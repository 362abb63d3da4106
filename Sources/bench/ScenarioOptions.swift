import ArgumentParser
import Harness
import LoadDriver
import Locks
import RedisConnection

/// The scenario flags shared by `bench run` and `bench sweep` (whose axes override them per cell).
struct ScenarioOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Client: native, hiredis, or both (the same scenario on each, in turn). etcd and ZooKeeper runs use lockbench's own client of the store and run once.", valueName: "client"))
    var client = ClientChoice.both

    @Option(help: ArgumentHelp("Lock algorithm: \(LockAlgorithmKind.allCases.map(\.rawValue).joined(separator: ", ")) (default: setnx-px on Redis, etcd-mutex on etcd, zk-recipe on ZooKeeper).", valueName: "name"))
    var algorithm: LockAlgorithmKind?

    @Option(help: ArgumentHelp("Wait strategy: \(WaitStrategy.Kind.allCases.map(\.rawValue).joined(separator: ", ")) (default: backoff on Redis; watch, the store's own queue, on etcd and ZooKeeper).", valueName: "name"))
    var wait: WaitStrategy.Kind?

    @Option(
        help: ArgumentHelp("The store to lock on: \(TargetChoice.forms). etcd and ZooKeeper members are started on loopback unless --etcd or --zookeeper names running ones.", valueName: "store"),
        transform: TargetChoice.argument)
    var target = TargetChoice.redis

    @Option(
        name: .customLong("etcd"),
        help: ArgumentHelp("A running etcd's client URLs, http://host:port or host:port, comma-separated or repeated (implies --target etcd).", valueName: "urls"),
        transform: { text throws in try StoreEndpoints.argument(text, for: .etcd) })
    var etcd: [[Endpoint]] = []

    @Option(
        name: .customLong("zookeeper"),
        help: ArgumentHelp("A running ZooKeeper ensemble's client ports, host:port, comma-separated or repeated (implies --target zookeeper).", valueName: "endpoints"),
        transform: { text throws in try StoreEndpoints.argument(text, for: .zookeeper) })
    var zookeeper: [[Endpoint]] = []

    @Option(help: ArgumentHelp("Concurrent contenders (state machines, not threads).", valueName: "n"))
    var contenders = 400

    @Option(help: ArgumentHelp("Distinct lock keys; contenders/keys is the contention per key.", valueName: "n"))
    var keys = 40

    @Option(help: ArgumentHelp(
        "Which key each acquisition locks: fixed (contender i always locks key i mod --keys), or a key drawn per acquisition: uniform, zipf:θ (0<θ<1, e.g. zipf:0.99) or hotspot:P%/Q% (P% of the keys get Q% of the acquisitions).",
        valueName: "dist"))
    var keyDist = "fixed"

    @Option(help: ArgumentHelp("Command connections per server, shared by the contenders.", valueName: "n"))
    var connections = 4

    @Option(help: ArgumentHelp("Most acquisitions in progress per connection at once (0: no limit).", valueName: "n"))
    var pipeline = 0

    @Option(help: ArgumentHelp("Lock TTL, e.g. 10s or 500ms.", valueName: "time"))
    var ttl = "10s"

    @Option(help: ArgumentHelp("How long a holder keeps the lock: 2ms, exp:2ms or uniform:1ms-5ms.", valueName: "time"))
    var hold = "1ms"

    @Option(help: ArgumentHelp("Pause between release and the next acquire (closed loop), same forms as --hold.", valueName: "time"))
    var think = "0"

    @Option(help: ArgumentHelp("Measurement window, e.g. 10s (default: 5s; 3s per round for bench run's comparison rounds).", valueName: "time"))
    var duration: String?

    @Option(help: ArgumentHelp("Warm-up before the window, discarded (default: 1s; 0.5s per round for bench run's comparison rounds).", valueName: "time"))
    var warmup: String?

    @Option(help: ArgumentHelp("Stop after this many acquisitions in the window.", valueName: "n"))
    var requests: Int?

    @Option(help: ArgumentHelp("Open loop: start acquisitions at this rate per second across all contenders.", valueName: "per-second"))
    var rate: Double?

    @Option(help: ArgumentHelp("Open-loop arrivals: poisson or uniform.", valueName: "process"))
    var arrivals = Arrivals.poisson

    @Option(help: ArgumentHelp("Redlock masters (embedded servers started: this many).", valueName: "n"))
    var redlockNodes = 5

    @Option(help: ArgumentHelp("Redlock clock-drift allowance as a fraction of the TTL.", valueName: "fraction"))
    var driftFactor = 0.01

    @Option(help: ArgumentHelp("Redlock fixed drift allowance, e.g. 2ms.", valueName: "time"))
    var driftFixed = "2ms"

    @Option(help: ArgumentHelp("fixed wait: delay between attempts.", valueName: "time"))
    var fixedDelay = WaitTimes().fixedDelay

    @Option(help: ArgumentHelp("backoff wait: first ceiling of the full-jitter backoff.", valueName: "time"))
    var backoffBase = WaitTimes().backoffBase

    @Option(help: ArgumentHelp("backoff wait: largest ceiling.", valueName: "time"))
    var backoffCap = WaitTimes().backoffCap

    @Option(help: ArgumentHelp("pubsub/fifo wait: retry after this long without a wake-up message (default: 200ms for pubsub, 1s for fifo).", valueName: "time"))
    var fallback: String?

    @Option(help: ArgumentHelp("Client clock skew spread (legacy-getset): contenders' clocks differ by up to ± this.", valueName: "time"))
    var clockSkew = "0"

    @Option(help: ArgumentHelp("An acquisition not granted within this long counts as failed.", valueName: "time"))
    var acquireTimeout = "10s"

    @Option(help: ArgumentHelp("A server that does not answer a command within this long is treated as failed.", valueName: "time"))
    var commandTimeout = "5s"

    @Option(
        name: .customLong("server"),
        help: ArgumentHelp("A Redis server, host:port or unix:/path (repeat for Redlock masters). Default: start local ones.", valueName: "endpoint"),
        transform: { text throws in try Endpoint(parsing: text) })
    var servers: [Endpoint] = []

    @Flag(help: "Embedded servers listen on Unix sockets instead of loopback TCP.")
    var unix = false

    @Option(
        help: ArgumentHelp("Which local servers to start when none is named: \(TopologyChoice.forms).", valueName: "shape"),
        transform: TopologyChoice.argument)
    var topology = TopologyChoice.standalone

    @Option(
        name: .customLong("cluster"),
        help: ArgumentHelp("A seed node of a Redis Cluster, host:port (repeatable); the slot map is read from it.", valueName: "endpoint"),
        transform: { text throws in try Endpoint(parsing: text) })
    var clusterSeeds: [Endpoint] = []

    @Option(
        name: .customLong("sentinel"),
        help: ArgumentHelp("A Sentinel, host:port (repeatable), asked for the primary of --master-name and followed across failovers.", valueName: "endpoint"),
        transform: { text throws in try Endpoint(parsing: text) })
    var sentinels: [Endpoint] = []

    @Option(help: ArgumentHelp("The name the sentinels monitor the primary under.", valueName: "name"))
    var masterName: String?

    @Option(help: ArgumentHelp("ACL user for AUTH to the sentinels (not the data servers).", valueName: "name"))
    var sentinelUser: String?

    @Option(help: ArgumentHelp("Read the sentinels' password from this environment variable.", valueName: "VAR"))
    var sentinelPasswordEnv: String?

    @Option(help: ArgumentHelp("Read the sentinels' password from the first line of this file.", valueName: "path"))
    var sentinelPasswordFile: String?

    @Option(help: ArgumentHelp("ACL user for AUTH.", valueName: "name"))
    var user: String?

    @Option(help: ArgumentHelp("Read the password from this environment variable.", valueName: "VAR"))
    var passwordEnv: String?

    @Option(help: ArgumentHelp("Read the password from the first line of this file.", valueName: "path"))
    var passwordFile: String?

    @Option(help: ArgumentHelp("Database index to SELECT.", valueName: "n"))
    var db = 0

    @Flag(help: "Connect over TLS (native client only: hiredis 0.14 has none). Embedded servers then serve TLS with certificates made for the run.")
    var tls = false

    @Option(help: ArgumentHelp("--tls: PEM file of the CA that signed the server's certificate (default: the system store; embedded: the run's CA).", valueName: "path"))
    var cacert: String?

    @Option(help: ArgumentHelp("--tls: client certificate (PEM) for servers that require one.", valueName: "path"))
    var cert: String?

    @Option(help: ArgumentHelp("--tls: the client certificate's private key (PEM, unencrypted; default: read from --cert).", valueName: "path"))
    var key: String?

    @Option(help: ArgumentHelp("--tls: the name the server's certificate must carry (default: the --server host).", valueName: "name"))
    var tlsServerName: String?

    @Flag(help: "--tls without verifying the server's certificate or name: encrypted but unauthenticated; the summary says so.")
    var tlsInsecure = false

    @Option(help: ArgumentHelp("Seed for tokens, jitter, hold/think draws and arrivals (default: random, printed).", valueName: "n"))
    var seed: UInt64?

    @Option(help: ArgumentHelp("Serial Dispatch queues for the contenders (default: the number of cores).", valueName: "n"))
    var queues: Int?

    @Option(help: ArgumentHelp(
        "How long a queue may wait in poll(2) for owed replies before handing its thread back to Dispatch: auto (1ms when every queue owns one connection, else off), off, or a time such as 500us.",
        valueName: "auto|off|time"))
    var replyWait = "auto"
}
