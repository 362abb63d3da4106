import LoadDriver
import Locks
import RedisConnection

/// Where one run's commands go: its servers, the connector that opens connections to them, and, for a
/// primary that can move, the watch the run follows it with.
struct RunTarget: Sendable {
    var endpoints: [Endpoint]
    var connector: any RedisConnector
    var watch: (any PrimaryWatch)?
    /// A consensus store's connector and counters; `nil` on Redis.
    var store: StoreRunTarget? = nil
}

extension HarnessSession {
    /// The target of one run of `scenario`. A Sentinel deployment is asked for its primary now, for each
    /// run: an earlier run may have seen it fail over.
    func runTarget(_ scenario: Scenario, options: ConnectionOptions) async throws(HarnessError) -> RunTarget {
        let base = ClientConnectors.connector(for: scenario.client)
        if scenario.deployment.store != .redis { return try storeTarget(scenario, connector: base) }
        guard let sentinel = try sentinelTarget(scenario, dataOptions: options) else {
            let (endpoints, connector) = try await ClusterTarget.resolve(
                scenario, endpoints: try servers.endpoints(for: scenario.deployment, tls: options.tls != nil), connector: base, options: options)
            return RunTarget(endpoints: endpoints, connector: connector, watch: nil)
        }
        let primary = try await sentinel.resolve()
        let follower = SentinelFollower(target: sentinel, primary: primary)
        return RunTarget(endpoints: [primary], connector: SentinelConnector(base: base, follower: follower), watch: follower)
    }

    /// An etcd or ZooKeeper run's target: the store's endpoints, the connector its sessions open with and
    /// its counters. `connector` is carried only so the run's Redis-shaped plumbing has one.
    func storeTarget(_ scenario: Scenario, connector: any RedisConnector) throws(HarnessError) -> RunTarget {
        let endpoints = try servers.endpoints(for: scenario.deployment)
        let backend = try StoreBackends.backend(for: scenario.deployment.store)
        let embedded = servers.embeddedStore(for: scenario.deployment)
        let storeConnector: any LockStoreConnector
        do { storeConnector = try backend.connector(endpoints: endpoints, embedded: embedded) } catch {
            throw HarnessError("\(error)")
        }
        return RunTarget(
            endpoints: endpoints, connector: connector, watch: nil,
            store: StoreRunTarget(connector: storeConnector, stats: backend.stats(endpoints: endpoints, embedded: embedded)))
    }

    /// The sentinels of a Sentinel deployment with the options to ask them (their password read once
    /// per session, like the data servers'); `nil` for other deployments.
    func sentinelTarget(_ scenario: Scenario, dataOptions: ConnectionOptions) throws(HarnessError) -> SentinelTarget? {
        guard case .sentinel(let source) = scenario.deployment else { return nil }
        let (sentinels, masterName) = try servers.sentinels(for: source, tls: scenario.connection.tls != nil)
        let settings = scenario.connection
        var options: ConnectionOptions
        if let cached = sentinelOptions.withLock({ $0[settings] }) {
            options = cached
        } else {
            do { options = try settings.sentinelOptions() } catch {
                throw HarnessError("\(error): give the sentinels' password with --sentinel-password-env VAR or --sentinel-password-file PATH.")
            }
            sentinelOptions.withLock { $0[settings] = options }
        }
        options.tls = options.tls.map { servers.tlsOptions($0, for: scenario.deployment) }
        return SentinelTarget(sentinels: sentinels, masterName: masterName, sentinelOptions: options, dataOptions: dataOptions)
    }
}
