import LoadDriver
import RedisConnection
import RedisFleet

extension ServerSet {
    /// The master name an embedded Sentinel deployment uses.
    static let embeddedMasterName = "lockbench"

    /// Starts a primary with `replicas` replicas and `sentinels` sentinels for `--topology sentinel:1xR`;
    /// with `tls`, servers and sentinels serve TLS and announce their TLS ports.
    /// `serverConfig` must be empty: the topology's options reach the sentinels too, and a data
    /// server's directive (`maxmemory`, say) would stop a sentinel from starting.
    static func startSentinel(replicas: Int, sentinels: Int, serverConfig: [ConfigDirective], tls: Bool) async throws(HarnessError) -> SentinelTopology {
        guard serverConfig.isEmpty else {
            throw HarnessError("redis.conf directives (\(serverConfig.map(\.name).joined(separator: ", "))) cannot be given to an embedded Sentinel deployment yet: drop them, or run the comparison on standalone servers.")
        }
        do {
            return try await RedisFleet.startSentinelTopology(
                replicas: replicas, sentinels: sentinels, masterName: embeddedMasterName, options: RedisServerOptions(tls: tls ? ServerTLS() : nil))
        } catch {
            throw HarnessError("cannot start a primary with \(replicas) replica(s) and \(sentinels) sentinels: \(error)")
        }
    }

    /// The sentinels to ask and the name they know the primary by; for an embedded deployment, the
    /// one started for `tls` (a plain scenario cannot follow sentinels that name TLS ports).
    func sentinels(for source: SentinelSource, tls: Bool) throws(HarnessError) -> (endpoints: [Endpoint], masterName: String) {
        switch source {
        case .external(let sentinels, let masterName): return (sentinels, masterName)
        case .embedded:
            guard let topology = tls ? sentinel : plainSentinel ?? sentinel else {
                throw HarnessError("sentinel(\(source)) needs an embedded Sentinel deployment; the session started none")
            }
            guard (topology.servers.certificates != nil) == tls else {
                throw HarnessError(tls
                    ? "sentinel(\(source)) asks for TLS, but the embedded Sentinel deployment was started without it"
                    : "sentinel(\(source)) is plain, but the embedded sentinels were started with TLS and name only TLS ports")
            }
            return (topology.sentinelEndpoints, topology.masterName)
        }
    }
}

extension ServerSet {
    /// What the embedded Sentinel deployments started, for the terminal, a line each: master name,
    /// servers and sentinels.
    public var sentinelSummary: String? {
        let lines = [sentinel, plainSentinel].compactMap { $0.map(Self.summary) }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }

    private static func summary(_ sentinel: SentinelTopology) -> String {
        let servers = sentinel.servers.announcedEndpoints.map(\.description).joined(separator: " ")
        let sentinels = sentinel.sentinelEndpoints.map(\.description).joined(separator: " ")
        return "started redis-server \(sentinel.servers.redisVersion) primary and \(sentinel.servers.count - 1) replica(s) \(servers), sentinels \(sentinels) watching '\(sentinel.masterName)'"
            + (sentinel.servers.certificates.map { " (TLS; run CA \($0.caCertificate))" } ?? "")
    }
}
