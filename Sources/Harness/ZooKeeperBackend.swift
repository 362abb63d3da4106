import LoadDriver
import Locks
import RedisConnection
import RedisFleet

extension ZooKeeperEnsemble: EmbeddedStore {
    /// `started ZooKeeper, 3 servers: 127.0.0.1:… …`.
    public var startedSummary: String {
        "started ZooKeeper, \(serverCount) server\(serverCount == 1 ? "" : "s"): \(clientEndpoints.map(\.description).joined(separator: " "))"
    }
}

/// ZooKeeper through the `ZooKeeperEnsemble` fleet, the C client's `ZooKeeperConnector` and `mntr`.
struct ZooKeeperBackend: StoreBackend {
    func start(members: Int) async throws -> any EmbeddedStore {
        try await ZooKeeperEnsemble.start(servers: members)
    }

    func connector(endpoints: [Endpoint]) throws -> any LockStoreConnector {
        throw HarnessError("this build of lockbench has no ZooKeeper client yet: run on Redis (drop --target and --zookeeper).")
    }

    func stats(endpoints: [Endpoint]) -> (any ServerStatsSource)? { nil }
}
