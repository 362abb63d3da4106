import RedisConnection

/// What a fleet of Sentinels watches: one primary under a name, and how quickly they give up on it.
public struct SentinelWatch: Sendable, Hashable {
    /// The name clients and `SENTINEL` commands use for the primary.
    public var masterName: String
    public var primary: Endpoint
    /// Sentinels that must agree the primary is down.
    public var quorum: Int
    /// Silence after which a Sentinel calls the primary down. Sentinel's own default (30 s) would make
    /// a failover take half a minute.
    public var downAfterMs: Int
    public var failoverTimeoutMs: Int

    /// A watch that fails over in about a second: one Sentinel's word, 200 ms of silence.
    public init(masterName: String, primary: Endpoint, quorum: Int = 1, downAfterMs: Int = 200, failoverTimeoutMs: Int = 5_000) {
        self.masterName = masterName
        self.primary = primary
        self.quorum = quorum
        self.downAfterMs = downAfterMs
        self.failoverTimeoutMs = failoverTimeoutMs
    }
}

/// Sentinels as a fleet: `redis-sentinel` processes (the redis-server executable under the name that
/// selects Sentinel mode; Debian's `redis-sentinel` package provides it), started, broken and stopped
/// like any other node.
extension RedisFleet {
    /// Whether `redis-sentinel` is on PATH.
    public static var sentinelAvailable: Bool { (try? locateRedisServer(override: "redis-sentinel")) != nil }

    /// Starts `count` Sentinels watching `watch.primary`, running `redis-sentinel` from PATH whatever
    /// `options.executable` says.
    public static func startSentinels(count: Int = 1, watching watch: SentinelWatch, options: RedisServerOptions = .init()) async throws(FleetError) -> RedisFleet {
        guard case .tcp(let host, let port) = watch.primary else {
            throw FleetError(.invalidArgument, detail: "Sentinel needs a TCP primary, not \(watch.primary)")
        }
        var options = options
        options.executable = "redis-sentinel"
        options.extraConfig += [
            ConfigDirective("sentinel", "monitor", watch.masterName, host, String(port), String(watch.quorum)),
            ConfigDirective("sentinel", "down-after-milliseconds", watch.masterName, String(watch.downAfterMs)),
            ConfigDirective("sentinel", "failover-timeout", watch.masterName, String(watch.failoverTimeoutMs)),
        ]
        return try await start(count: count, options: options)
    }

    /// On a Sentinel fleet: waits until the first Sentinel has discovered `replica`. It must know a
    /// replica before the primary dies, or it has nobody to promote.
    public func waitUntilSentinelsKnow(replica: Endpoint, of masterName: String) async throws(FleetError) {
        guard case .tcp(_, let port) = replica else { return }
        let sentinel = endpoints[0]
        try await Self.poll("Sentinel to discover the replica \(replica)", boundMs: 10_000) {
            guard let reply = try? RedisProbe.command(["SENTINEL", "REPLICAS", masterName], at: sentinel) else { return false }
            return (reply.elements ?? []).contains { entry in
                (entry.elements ?? []).compactMap(\.string).contains(String(port))
            }
        }
    }

    /// On a Sentinel fleet: waits until the first Sentinel names `replica` as the master and the
    /// replica says it is one.
    public func waitUntilSentinelsPromote(_ replica: Endpoint, of masterName: String) async throws(FleetError) {
        guard case .tcp(_, let port) = replica else { return }
        let sentinel = endpoints[0]
        try await Self.poll("Sentinel to promote \(replica)", boundMs: 20_000) {
            guard let reply = try? RedisProbe.command(["SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName], at: sentinel),
                  let address = reply.elements, address.count == 2, address[1].string == String(port) else { return false }
            return (try? RedisProbe.command(["ROLE"], at: replica))?.elements?.first?.string == "master"
        }
    }
}
