import LoadDriver
import Locks
import RedisConnection
import RedisFleet

extension EtcdCluster: EmbeddedStore {
    /// `started etcd, 3 members: 127.0.0.1:… …`.
    public var startedSummary: String {
        "started etcd, \(memberCount) member\(memberCount == 1 ? "" : "s"): \(clientEndpoints.map(\.description).joined(separator: " "))"
    }
}

/// etcd through the `EtcdCluster` fleet, the gRPC `EtcdConnector` and `/metrics`.
struct EtcdBackend: StoreBackend {
    func start(members: Int) async throws -> any EmbeddedStore {
        try await EtcdCluster.start(members: members)
    }

    func connector(endpoints: [Endpoint]) throws -> any LockStoreConnector {
        throw HarnessError("this build of lockbench has no etcd client yet: run on Redis (drop --target and --etcd).")
    }

    func stats(endpoints: [Endpoint]) -> (any ServerStatsSource)? { nil }
}
