import BenchMetrics
import EtcdClient
import LoadDriver
import Locks
import RedisConnection
import RedisFleet

extension EtcdCluster: EmbeddedStore {
    public var memberNoun: String { "etcd member" }
}

/// etcd through the `EtcdCluster` fleet, the gRPC `EtcdConnector` and `/metrics`.
struct EtcdBackend: StoreBackend {
    func start(members: Int) async throws -> any EmbeddedStore {
        try await EtcdCluster.start(members: members)
    }

    func connector(endpoints: [Endpoint], embedded: (any EmbeddedStore)?) throws -> any LockStoreConnector {
        try EtcdConnector(endpoints: endpoints)
    }

    /// etcd's own check: the endpoints speak etcd (a Redis port is named as such), and serve v3lock for
    /// `etcd-lock-rpc`.
    func check(_ connector: any LockStoreConnector, spec: LockSpec) async throws {
        guard let etcd = connector as? EtcdConnector else { return }
        try await etcd.check(algorithm: spec.algorithm)
    }

    /// gRPC calls started (unary requests and streams opened) stand for the commands Redis counts.
    func stats(endpoints: [Endpoint], embedded: (any EmbeddedStore)?) -> (any ServerStatsSource)? {
        StoreStatsSource(endpoints: endpoints) { endpoint in
            guard let read = try? EtcdServerStats.scrape([endpoint], timeoutMs: 1_000) else { return nil }
            return ServerStats(usedCPUSysS: 0, usedCPUUserS: read.cpuSeconds, totalCommandsProcessed: Int(read.grpcStarted))
        }
    }
}
