import BenchMetrics
import LoadDriver
import ZooKeeperClient
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
        ZooKeeperConnector(endpoints: endpoints)
    }

    /// Packets received (requests and session pings) stand for the commands Redis counts; the JVM's CPU
    /// is read from /proc when lockbench started the server.
    func stats(endpoints: [Endpoint], embedded: (any EmbeddedStore)?) -> (any ServerStatsSource)? {
        let ensemble = embedded as? ZooKeeperEnsemble
        return StoreStatsSource(endpoints: endpoints) { endpoint in
            let pid = ensemble.flatMap { e in e.clientEndpoints.firstIndex(of: endpoint).flatMap { e.pid(server: $0) } }
            guard let read = try? ZooKeeperServerStats.read(endpoint, pid: pid, timeoutMs: 500) else { return nil }
            return ServerStats(usedCPUSysS: read.cpuSeconds.map { _ in 0 }, usedCPUUserS: read.cpuSeconds, totalCommandsProcessed: Int(read.packetsReceived))
        }
    }
}
