import BenchMetrics
import Locks

/// What a run on a consensus store needs beyond the scenario: the connector that opens one session per
/// lock context, and where the servers' cost is read (etcd's `/metrics`, ZooKeeper's `mntr`), the
/// counterpart of the INFO snapshots a Redis run takes over its control connections.
public struct StoreRunTarget: Sendable {
    /// Opens the sessions, one per lock context, on the context's lane queue.
    public var connector: any LockStoreConnector
    /// Reads the servers' counters; `nil` leaves the server-cost figures empty.
    public var stats: (any ServerStatsSource)?

    public init(connector: any LockStoreConnector, stats: (any ServerStatsSource)?) {
        self.connector = connector
        self.stats = stats
    }
}

/// Counters of a run's servers, read once as the window opens and once as it closes; their difference
/// fills the same server-cost figures (requests and CPU per acquisition) on every store.
public protocol ServerStatsSource: Sendable {
    /// One snapshot per server, in a stable order; `nil` where a server could not be read.
    func snapshot() async -> [ServerStats?]
}

extension StoreLiveness {
    /// Every lane's liveness as one figure: counts add up, the worst lateness is the worst of any lane.
    public static func summed(_ parts: [StoreLiveness]) -> StoreLiveness? {
        guard !parts.isEmpty else { return nil }
        var total = StoreLiveness()
        for part in parts {
            total.renewals += part.renewals
            total.late += part.late
            total.worstLatenessMs = max(total.worstLatenessMs, part.worstLatenessMs)
            total.missed += part.missed
            total.expired += part.expired
        }
        return total
    }
}

extension Lane {
    /// Opens a store session on the lane's queue and a lock context over it (no Redis connection).
    func openStoreContext(_ store: StoreRunTarget, spec: LockSpec, seed: UInt64) async throws -> LockContext {
        let session = try await store.connector.open(spec: spec, queue: queue)
        do {
            return try LockContext(spec: spec, wheel: wheel, connections: [], seed: seed, store: session)
        } catch {
            queue.async { session.close() }
            throw error
        }
    }

    /// The liveness of this lane's store sessions (read on `queue`): empty on Redis.
    func storeLiveness() -> [StoreLiveness] {
        contexts.compactMap { $0.store?.liveness }
    }
}
