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

    /// On a Sentinel fleet: waits until every running Sentinel has discovered `replica`. A Sentinel must
    /// know a replica before the primary dies, or it has nobody to promote.
    public func waitUntilSentinelsKnow(replica: Endpoint, of masterName: String) async throws(FleetError) {
        guard case .tcp(_, let port) = replica else { return }
        try await Self.poll("every Sentinel to discover the replica \(replica)", boundMs: 10_000) {
            runningEndpoints.allSatisfy { sentinel in
                guard let reply = try? RedisProbe.command(["SENTINEL", "REPLICAS", masterName], at: sentinel) else { return false }
                return (reply.elements ?? []).contains { entry in
                    (entry.elements ?? []).compactMap(\.string).contains(String(port))
                }
            }
        }
    }

    /// On a Sentinel fleet: waits until every running Sentinel has met all the others (through the
    /// primary's hello channel). Until then a failover cannot gather a majority's votes.
    public func waitUntilSentinelsKnowEachOther(of masterName: String) async throws(FleetError) {
        let others = count - 1
        try await Self.poll("every Sentinel to discover the \(others) others", boundMs: 15_000) {
            runningEndpoints.allSatisfy { sentinel in
                (try? RedisProbe.command(["SENTINEL", "SENTINELS", masterName], at: sentinel))?.elements?.count == others
            }
        }
    }

    /// On a Sentinel fleet: waits until every running Sentinel names `replica` as the master and the
    /// replica says it is one. `probe` maps an announced endpoint to one `RedisProbe` can ask (a TLS
    /// fleet's `probeEndpoint(for:)`).
    public func waitUntilSentinelsPromote(
        _ replica: Endpoint, of masterName: String, probe: @Sendable (Endpoint) -> Endpoint = { $0 }
    ) async throws(FleetError) {
        guard case .tcp(_, let port) = replica else { return }
        try await Self.poll("every Sentinel to promote \(replica)", boundMs: 20_000) {
            sentinelsAgreedPrimaryPort(of: masterName) == port && Self.isPrimary(probe(replica))
        }
    }

    /// On a Sentinel fleet: waits until every running Sentinel names a master other than `old` (an
    /// announced endpoint), the same one, and that server (asked through `probe`) says it is one;
    /// returns its announced port. A Sentinel switches its master
    /// exactly when it publishes `+switch-master`, so this returns once every Sentinel has.
    public func waitUntilSentinelsSwitch(
        from old: Endpoint, of masterName: String, probe: @Sendable (Endpoint) -> Endpoint = { $0 }
    ) async throws(FleetError) -> Int {
        var switched: Int?
        try await Self.poll("every Sentinel to switch \(masterName) away from \(old)", boundMs: 30_000) {
            guard let port = sentinelsAgreedPrimaryPort(of: masterName), Endpoint.tcp(host: "127.0.0.1", port: port) != old,
                  Self.isPrimary(probe(.tcp(host: "127.0.0.1", port: port))) else { return false }
            switched = port
            return true
        }
        guard let switched else { throw FleetError(.replication, detail: "the Sentinels switched \(masterName) to no port") }
        return switched
    }

    private var runningEndpoints: [Endpoint] {
        nodes.filter { $0.state == .running }.map(\.endpoint)
    }

    /// The port every running Sentinel gives for `masterName`, or `nil` while they disagree.
    private func sentinelsAgreedPrimaryPort(of masterName: String) -> Int? {
        let ports = runningEndpoints.map { sentinel -> Int? in
            guard let address = (try? RedisProbe.command(["SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName], at: sentinel))?.elements,
                  address.count == 2 else { return nil }
            return address[1].string.flatMap { Int($0) }
        }
        guard let first = ports.first, let port = first, ports.allSatisfy({ $0 == port }) else { return nil }
        return port
    }

    static func isPrimary(_ endpoint: Endpoint) -> Bool {
        (try? RedisProbe.command(["ROLE"], at: endpoint))?.elements?.first?.string == "master"
    }
}
