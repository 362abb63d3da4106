import BenchMetrics
import LoadDriver
import ZooKeeperClient
import Locks
import RedisConnection
import RedisFleet

extension ZooKeeperEnsemble: EmbeddedStore {
    public var memberNoun: String { "ZooKeeper server" }
}

/// ZooKeeper through the `ZooKeeperEnsemble` fleet, the C client's `ZooKeeperConnector` and `mntr`.
struct ZooKeeperBackend: StoreBackend {
    func start(members: Int) async throws -> any EmbeddedStore {
        try await ZooKeeperEnsemble.start(servers: members)
    }

    func connector(endpoints: [Endpoint], embedded: (any EmbeddedStore)?) throws -> any LockStoreConnector {
        guard let ensemble = embedded as? ZooKeeperEnsemble else { return ZooKeeperConnector(endpoints: endpoints) }
        return ZooKeeperConnector(endpoints: endpoints, serverTickMs: ensemble.tickTimeMs)
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

    /// The embedded servers grant session timeouts of 2 to 20 ticks only; an external ensemble's range is
    /// its own configuration, unknown here.
    func ttlNote(ttlMs: Int, embedded: (any EmbeddedStore)?) -> String? {
        guard let ensemble = embedded as? ZooKeeperEnsemble else { return nil }
        let range = ensemble.sessionTimeoutRangeMs
        guard !range.contains(ttlMs) else { return nil }
        let granted = min(max(ttlMs, range.lowerBound), range.upperBound)
        return "ZooKeeper grants session timeouts of \(range.lowerBound)...\(range.upperBound) ms (2 to 20 ticks of \(ensemble.tickTimeMs) ms): --ttl \(ttlMs) ms becomes a \(granted) ms session, which is the lock's lease."
    }
}
