import Dispatch
import LoadDriver
import Locks
import RedisConnection

/// A consensus store's processes lockbench started for a session (an `EtcdCluster`, a
/// `ZooKeeperEnsemble`): what the harness needs of them beyond their own fault controls.
public protocol EmbeddedStore: AnyObject, Sendable {
    /// The endpoints clients connect to, one per member.
    var clientEndpoints: [Endpoint] { get }
    /// What one member is called: `etcd member`, `ZooKeeper server`.
    var memberNoun: String { get }
    /// Stops every member and removes its data directory. Idempotent.
    func stop() async
}

extension EmbeddedStore {
    /// A line for the terminal: `started 3 etcd members: 127.0.0.1:… …`.
    public var startedSummary: String {
        let count = clientEndpoints.count
        return "started \(count) \(memberNoun)\(count == 1 ? "" : "s"): \(clientEndpoints.map(\.description).joined(separator: " "))"
    }
}

/// Everything lockbench does with one kind of consensus store, in one place: start it, open lock
/// sessions on it, read its counters. The only code that names the store clients and fleets.
public protocol StoreBackend: Sendable {
    /// Starts `members` members on loopback, each with a data directory of its own.
    func start(members: Int) async throws -> any EmbeddedStore
    /// The connector a run opens its sessions with, for a store at `endpoints`; `embedded` is the store
    /// lockbench started there, if it did (its configuration is then known, not assumed).
    func connector(endpoints: [Endpoint], embedded: (any EmbeddedStore)?) throws -> any LockStoreConnector
    /// Reads the members' counters (`/metrics`, `mntr`) as the server-cost figures; `embedded` is the
    /// store lockbench started there, if it did (its processes' CPU can then be read too).
    func stats(endpoints: [Endpoint], embedded: (any EmbeddedStore)?) -> (any ServerStatsSource)?
    /// Checks before anything is measured that `connector` reaches the store and it serves `spec`'s
    /// recipe (etcd: the v3lock service); throws the store client's own message.
    func check(_ connector: any LockStoreConnector, spec: LockSpec) async throws
    /// What the store makes of the lock TTL when it is not what was asked for (ZooKeeper clamps session
    /// timeouts), for a note before the run; `nil` when it is kept.
    func ttlNote(ttlMs: Int, embedded: (any EmbeddedStore)?) -> String?
}

extension StoreBackend {
    func ttlNote(ttlMs: Int, embedded: (any EmbeddedStore)?) -> String? { nil }

    /// Opens one session and closes it: reachable, and speaking the store's protocol.
    func check(_ connector: any LockStoreConnector, spec: LockSpec) async throws {
        let queue = DispatchQueue(label: "lockbench.store-probe")
        let session = try await connector.open(spec: spec, queue: queue)
        queue.async { session.close() }
    }
}

/// The backend of each consensus store this build has.
public enum StoreBackends {
    /// The backend for `kind`; throws for Redis or a store this build lacks.
    public static func backend(for kind: LockStoreKind) throws(HarnessError) -> any StoreBackend {
        if let backend = built[kind] { return backend }
        throw HarnessError("this build of lockbench has no \(kind.displayName) client yet: run on Redis (drop --target and --\(kind)).")
    }

    /// Filled as the store clients land.
    static let built: [LockStoreKind: any StoreBackend] = [.etcd: EtcdBackend(), .zookeeper: ZooKeeperBackend()]
}
