import Locks

/// The fault scenarios `bench chaos` runs. Raw values are the names used on the command line and in
/// every output row (`SafetyRow.scenario`).
public enum ChaosScenario: String, CaseIterable, Codable, Sendable, Hashable, CustomStringConvertible {
    /// A holder frozen past its TTL (in process, and as a SIGSTOPped worker process) wakes and writes.
    case clientPause = "client-pause"
    /// The primary dies before the lock write reached its replica; the replica is promoted.
    case failover
    /// A Redlock node that granted the lock restarts empty, within the TTL or only after it.
    case redlockRestart = "redlock-restart"
    /// 1, 2 and 3 of 5 Redlock nodes killed or paused while contenders run.
    case redlockLoss = "redlock-loss"
    /// Client clock offsets for legacy-getset (setnx-px as the control).
    case clockSkew = "clock-skew"
    /// Connection resets (`CLIENT KILL`) and a paused server with client command timeouts.
    case network
    /// A Sentinel failover (planned, or the primary killed) under a load run that follows the primary.
    case sentinelFailover = "sentinel-failover"
    /// A cluster primary that holds a lock is killed (or forced out by `CLUSTER FAILOVER FORCE`) and its
    /// replica promoted, with and without `WAIT`.
    case clusterFailover = "cluster-failover"
    /// The slot of a lock under load moves to another primary mid-run (`MIGRATING`/`IMPORTING`, `MIGRATE`).
    case slotMigration = "slot-migration"
    /// The Raft/Zab leader of a 3-member etcd cluster or 3-server ZooKeeper ensemble killed under load.
    case leaderLoss = "leader-loss"
    /// One member of a 3-member etcd cluster or ZooKeeper ensemble SIGSTOPped under load (a follower,
    /// then the leader): a member cut off from its peers and clients.
    case memberPause = "member-pause"

    public var description: String { rawValue }

    /// Algorithms this scenario can run. Redlock-specific faults run Redlock only; failover and the
    /// network faults are about one server (and its replica), so they run the single-instance locks.
    public var supportedAlgorithms: [LockAlgorithmKind] {
        switch self {
        case .clientPause: return LockAlgorithmKind.allCases
        case .leaderLoss, .memberPause: return Self.storeAlgorithms
        case .failover, .network, .sentinelFailover, .clusterFailover: return [.setnxPX, .fenced, .naiveGetdel, .legacyGetset]
        case .slotMigration: return [.setnxPX, .fenced]
        case .redlockRestart, .redlockLoss: return [.redlock]
        case .clockSkew: return [.legacyGetset, .setnxPX]
        }
    }

    /// What runs when `--algorithm` is not given: the algorithms each debate is about.
    public var defaultAlgorithms: [LockAlgorithmKind] {
        switch self {
        case .clientPause: return [.setnxPX, .fenced, .redlock]
        case .leaderLoss, .memberPause: return Self.storeAlgorithms
        case .failover, .sentinelFailover, .clusterFailover, .slotMigration: return [.setnxPX, .fenced]
        case .redlockRestart, .redlockLoss: return [.redlock]
        case .clockSkew: return [.legacyGetset, .setnxPX]
        case .network: return [.setnxPX]
        }
    }

    /// The consensus stores' algorithms, which only the store scenarios (and `client-pause`) fault.
    static let storeAlgorithms = LockAlgorithmKind.allCases.filter { $0.store != .redis }

    /// Whether the scenario faults consensus stores only (a 3-member etcd cluster, a ZooKeeper ensemble).
    public var storeOnly: Bool { supportedAlgorithms.allSatisfy { $0.store != .redis } }

    /// What `bench chaos` runs without `--scenario`: every Redis scenario, and the store scenarios only
    /// when `algorithms` names a store algorithm (each starts a 3-member cluster or JVM ensemble per row,
    /// which would more than double the default run's wall time).
    public static func defaultSet(algorithms: [LockAlgorithmKind]?) -> [ChaosScenario] {
        guard let algorithms else { return allCases.filter { !$0.storeOnly } }
        return allCases.filter { !$0.algorithms(filter: algorithms).isEmpty }
    }

    /// The algorithms to run given an `--algorithm` filter (`nil`: the defaults), in a stable order.
    public func algorithms(filter: [LockAlgorithmKind]?) -> [LockAlgorithmKind] {
        guard let filter else { return defaultAlgorithms }
        return supportedAlgorithms.filter { filter.contains($0) }
    }
}
