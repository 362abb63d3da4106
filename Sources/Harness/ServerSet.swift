import LoadDriver
import RedisConnection
import RedisFleet
import Synchronization

/// The servers a session's scenarios run on: one embedded fleet sized for the largest embedded
/// deployment (Redlock's 5 masters; standalone scenarios use the first), started once and stopped at
/// the end, or a fleet the caller started and keeps (chaos kills and pauses its nodes). External
/// deployments bring their own endpoints.
public final class ServerSet: Sendable {
    /// The embedded servers, if any.
    public let fleet: RedisFleet?
    /// The embedded Sentinel deployment (primary, replicas, sentinels), if any: with TLS when a
    /// Sentinel scenario of the session uses TLS.
    public let sentinel: SentinelTopology?
    /// A second, plain Sentinel deployment when the session's Sentinel scenarios use TLS and plain TCP
    /// both: sentinels started with TLS dial the servers over TLS and name only their TLS ports, so a
    /// plain client could not follow them.
    public let plainSentinel: SentinelTopology?
    /// The embedded cluster, if a scenario runs on one (a fleet of its own: cluster nodes cannot serve
    /// standalone scenarios).
    public let cluster: RedisFleet?
    /// The consensus stores started for the session's etcd and ZooKeeper scenarios, by shape, and the
    /// shapes a run has used: a used one is replaced before the next run (`freshStore(for:)`).
    let embeddedStores: Mutex<EmbeddedStores>
    let owned: Bool

    /// Uses `fleet` for embedded deployments (for cluster ones too when it runs as a cluster); the
    /// caller stops it.
    public init(provided fleet: RedisFleet) {
        self.fleet = fleet
        self.sentinel = nil
        self.plainSentinel = nil
        self.cluster = fleet.clusterLayout == nil ? nil : fleet
        self.embeddedStores = Mutex(EmbeddedStores())
        self.owned = false
    }

    /// Uses `sentinel` for embedded Sentinel deployments (a caller that fails it over); the caller stops it.
    public init(provided sentinel: SentinelTopology) {
        self.fleet = nil
        self.sentinel = sentinel
        self.plainSentinel = nil
        self.cluster = nil
        self.embeddedStores = Mutex(EmbeddedStores())
        self.owned = false
    }

    init(
        started fleet: RedisFleet?, sentinel: SentinelTopology? = nil, plainSentinel: SentinelTopology? = nil, cluster: RedisFleet? = nil,
        stores: [StoreShape: any EmbeddedStore] = [:]
    ) {
        self.fleet = fleet
        self.embeddedStores = Mutex(EmbeddedStores(stores: stores))
        self.sentinel = sentinel
        self.plainSentinel = plainSentinel
        self.cluster = cluster
        self.owned = true
    }

    /// Starts what `scenarios` need from embedded fleets (nothing when all are external), each server
    /// with `serverConfig`'s `redis.conf` directives after the fleet's own (a later one wins). A
    /// scenario with TLS gets servers that also serve TLS on ports of their own, with certificates
    /// made for the run.
    public static func start(
        for scenarios: [Scenario], serverConfig: [(name: String, value: String)] = []
    ) async throws(HarnessError) -> ServerSet {
        try await start(serving: scenarios.map { ($0.deployment, $0.connection.tls != nil) }, serverConfig: serverConfig)
    }

    /// Starts what `uses` need, as `start(for:serverConfig:)` does, with TLS per use: servers that
    /// a TLS use runs on serve TLS as well as plain TCP (their plain ports serve the plain uses), and
    /// Sentinel uses of both kinds get a TLS and a plain Sentinel deployment.
    public static func start(
        serving uses: [(deployment: Deployment, tls: Bool)], serverConfig: [(name: String, value: String)] = []
    ) async throws(HarnessError) -> ServerSet {
        var count = 0
        var transport = EmbeddedTransport.tcp
        var serversTLS = false, clusterTLS = false
        var sentinelShape: (replicas: Int, sentinels: Int)?
        var sentinelTLS: Set<Bool> = []
        var clusterShape: (primaries: Int, replicas: Int)?
        for (deployment, tls) in uses {
            switch deployment.embeddedTopology {
            case .servers(let n, let t)?:
                if n > count { count = n }
                transport = t
                serversTLS = serversTLS || tls
            case .cluster(let p, let r)?:
                if let shape = clusterShape, shape != (p, r) {
                    throw HarnessError("one session runs one embedded cluster; cluster:\(shape.primaries)x\(shape.replicas) and cluster:\(p)x\(r) were both asked for: run them separately")
                }
                clusterShape = (p, r)
                clusterTLS = clusterTLS || tls
            case .sentinel(let r, let s)?:
                if r > sentinelShape?.replicas ?? 0 { sentinelShape = (r, s) }
                sentinelTLS.insert(tls)
            case nil: continue
            }
        }
        let extra = serverConfig.map { ConfigDirective($0.name, $0.value) }
        let stores = try await startStores(for: uses.map(\.deployment))
        let stopStores: @Sendable () async -> Void = { for store in stores.values { await store.stop() } }
        var sentinel: SentinelTopology?
        var plainSentinel: SentinelTopology?
        if let shape = sentinelShape {
            do { sentinel = try await Self.startSentinel(replicas: shape.replicas, sentinels: shape.sentinels, serverConfig: extra, tls: sentinelTLS.contains(true)) } catch {
                await stopStores()
                throw error
            }
            if sentinelTLS.count == 2 {
                do { plainSentinel = try await Self.startSentinel(replicas: shape.replicas, sentinels: shape.sentinels, serverConfig: extra, tls: false) } catch {
                    await sentinel?.stop()
                    await stopStores()
                    throw error
                }
            }
        }
        let cluster: RedisFleet?
        do { cluster = try await ClusterTarget.start(clusterShape, serverConfig: serverConfig, tls: clusterTLS) } catch {
            await sentinel?.stop()
            await plainSentinel?.stop()
            await stopStores()
            throw error
        }
        guard count > 0 else { return ServerSet(started: nil, sentinel: sentinel, plainSentinel: plainSentinel, cluster: cluster, stores: stores) }
        do {
            let options = RedisServerOptions(transport: transport == .unix ? .unix : .tcp, extraConfig: extra, tls: serversTLS ? ServerTLS() : nil)
            return ServerSet(
                started: try await RedisFleet.start(count: count, options: options), sentinel: sentinel, plainSentinel: plainSentinel,
                cluster: cluster, stores: stores)
        } catch {
            await sentinel?.stop()
            await plainSentinel?.stop()
            await cluster?.stop()
            await stopStores()
            throw HarnessError("cannot start \(count) redis-server: \(error)")
        }
    }

    /// The endpoints `deployment` runs on; with `tls`, embedded servers' TLS ports.
    public func endpoints(for deployment: Deployment, tls: Bool = false) throws(HarnessError) -> [Endpoint] {
        switch deployment {
        case .standalone(.external(let endpoints)), .redlock(.external(let endpoints)): return endpoints
        case .standalone(.embedded(let count, _)), .redlock(.embedded(let count, _)):
            guard let fleet, fleet.endpoints.count >= count else {
                throw HarnessError("\(deployment) needs \(count) embedded server(s); the session has \(fleet?.endpoints.count ?? 0)")
            }
            guard tls else { return Array(fleet.endpoints.prefix(count)) }
            guard fleet.tlsEndpoints.count >= count else {
                throw HarnessError("\(deployment) asks for TLS, but the embedded servers were started without it")
            }
            return Array(fleet.tlsEndpoints.prefix(count))
        case .cluster(let source):
            return try ClusterTarget.endpoints(source, embedded: cluster, tls: tls)
        case .sentinel:
            // Wherever the sentinels say the primary is now: `HarnessSession` asks them for each run.
            throw HarnessError("\(deployment): the primary is found through the sentinels (HarnessSession.runTarget), not listed")
        case .etcd, .zookeeper:
            return try storeEndpoints(deployment)
        }
    }

    /// `tls` with the files it leaves unset taken from the embedded fleet's run CA and client
    /// certificate; unchanged for external servers, whose CA the user names (or the system store).
    public func tlsOptions(_ tls: TLSOptions, for deployment: Deployment) -> TLSOptions {
        guard let files = certificates(for: deployment) else { return tls }
        var filled = tls
        // --tls-insecure verifies nothing, so it gets no CA; the client certificate is about the client.
        if filled.caFile == nil && !tls.insecure { filled.caFile = files.caCertificate }
        if filled.certFile == nil {
            filled.certFile = files.clientCertificate
            filled.keyFile = files.clientKey
        }
        return filled
    }

    /// The run CA of the fleet `deployment` runs on: each fleet makes its own, so a TLS Sentinel
    /// scenario must not be handed the standalone fleet's.
    func certificates(for deployment: Deployment) -> TLSCertificates? {
        switch deployment.embeddedTopology {
        case .servers?: return fleet?.certificates
        case .cluster?: return cluster?.certificates
        case .sentinel?: return sentinel?.servers.certificates
        case nil: return nil
        }
    }

    /// The embedded servers' version, if any were started.
    public var redisVersion: String? { fleet?.redisVersion ?? cluster?.redisVersion }

    /// Stops the fleets if this set started them.
    public func stop() async {
        guard owned else { return }
        await sentinel?.stop()
        await plainSentinel?.stop()
        await cluster?.stop()
        await fleet?.stop()
        for store in embeddedStores.withLock({ $0.takeAll() }) { await store.stop() }
    }
}
