import Dispatch

/// The store a lock algorithm is written against.
public enum LockStoreKind: String, CaseIterable, Codable, Sendable, Hashable, CustomStringConvertible {
    /// Redis: the algorithms send commands over `RedisConnection`s.
    case redis
    /// etcd v3 over gRPC: a lease per session, keys ordered by create revision.
    case etcd
    /// ZooKeeper: ephemeral sequential znodes in a session.
    case zookeeper

    public var description: String { rawValue }

    /// The algorithm a run on this store uses when none is named.
    public var defaultAlgorithm: LockAlgorithmKind {
        switch self {
        case .redis: return .setnxPX
        case .etcd: return .etcdMutex
        case .zookeeper: return .zkRecipe
        }
    }

    /// The store's name in messages: `Redis`, `etcd`, `ZooKeeper`.
    public var displayName: String {
        switch self {
        case .redis: return "Redis"
        case .etcd: return "etcd"
        case .zookeeper: return "ZooKeeper"
        }
    }
}

/// A consensus store's lock recipe for one lane: the seam that lets etcd and ZooKeeper locks run under
/// the same `Locker`, driver, witness, fairness, safety counters and reports as Redis's.
///
/// A session belongs to one serial queue (the lane's): every method is called on `queue`, and every
/// completion runs there exactly once. It owns its store connection and its liveness (an etcd lease kept
/// alive, a ZooKeeper session), shared by every contender of the lane as one client process would share
/// them; a contender's claim is told apart by `contender`.
///
/// Unlike a Redis algorithm, a store queues its waiters itself, so one `acquire` is one attempt that
/// ends when the lock is ours (or the deadline passes, after the claim is withdrawn).
public protocol LockStoreSession: AnyObject, Sendable {
    /// The serial queue every call and completion runs on.
    var queue: DispatchQueue { get }
    /// What the session talks to, for messages: `etcd 127.0.0.1:2379`.
    var endpointDescription: String { get }
    /// Joins `key`'s queue for `contender` and completes once: granted, timed out at `deadlineNanos`
    /// (monotonic, `LockClock.monotonicNanos()`) with the claim withdrawn, or failed.
    func acquire(key: String, contender: UInt64, deadlineNanos: UInt64?, completion: @escaping (StoreAcquireResult) -> Void)
    /// Gives up a claim (deletes the key or znode named by `claim.token`); completes once.
    func release(key: String, claim: StoreClaim, completion: @escaping (StoreReleaseResult) -> Void)
    /// How the session's liveness was kept so far (lease keep-alives, session pings): read on `queue`.
    var liveness: StoreLiveness { get }
    /// Ends the session (revokes the lease, closes the ZooKeeper session) and its connection. Idempotent.
    func close()
}

/// A held claim on a store's lock.
public struct StoreClaim: Sendable, Hashable {
    /// The store's name for this holder, which release deletes: the etcd key or the znode path. It is the
    /// grant's token.
    public var token: String
    /// The fencing token the store gives for free, strictly increasing per lock: the etcd key's create
    /// revision, or the znode's creation zxid (`czxid`).
    public var fence: Int64
    /// Store requests this acquisition sent (the grant's `commands`).
    public var requests: Int
    /// The monotonic instant (`LockClock.monotonicNanos()`) before which the store cannot have dropped the
    /// claim: the lease or session it lives under was last confirmed by a request sent at some instant,
    /// and lives its TTL from when the server handled it. A claim's acquisition can start long after
    /// its lease was last renewed, so the acquisition's start plus the TTL would overstate it. `nil`:
    /// the store cannot say, and the witness counts from the acquisition's start.
    public var validUntilNanos: UInt64?

    public init(token: String, fence: Int64, requests: Int, validUntilNanos: UInt64? = nil) {
        self.token = token
        self.fence = fence
        self.requests = requests
        self.validUntilNanos = validUntilNanos
    }
}

/// How a store acquisition ended.
public enum StoreAcquireResult: Sendable {
    case granted(StoreClaim)
    /// The deadline passed first; the claim was withdrawn (or its withdrawal failed and the lease or
    /// session will drop it).
    case timedOut(requests: Int)
    case failed(LockFailure, requests: Int)
}

/// How a store release ended.
public enum StoreReleaseResult: Sendable, Hashable {
    case released
    /// The claim was already gone: its lease or session had expired.
    case notOwner
    case failed(LockFailure)
}

/// How a session kept itself alive: the counterpart of the Redis watchdog's lateness figures.
public struct StoreLiveness: Sendable, Hashable, Codable {
    /// Keep-alives (or pings) answered.
    public var renewals = 0
    /// Keep-alives that went out later than their schedule (a third of the lease TTL), and the worst, ms.
    public var late = 0
    public var worstLatenessMs = 0.0
    /// Keep-alives unanswered or refused (the lease or session was lost).
    public var missed = 0
    /// Times the session lost its lease or session (every claim of the lane dropped with it).
    public var expired = 0

    public init() {}
}

/// Opens a consensus store's sessions, one per lane queue, and removes what a run left in the store.
///
/// The harness holds one connector per run, made from the deployment (`--target etcd`, `--etcd URL...`,
/// `--target zookeeper`); the driver calls `open` once per lock context, on nothing in particular.
public protocol LockStoreConnector: Sendable {
    /// Which store it opens sessions on.
    var kind: LockStoreKind { get }
    /// Opens a session on `queue` for `spec` (its algorithm picks the recipe; its TTL is the lease or
    /// session timeout). Lock keys arrive as the driver names them (under the run's prefix), so a store
    /// maps them onto its own namespace (an etcd key prefix, a znode path) the same way for every session.
    func open(spec: LockSpec, queue: DispatchQueue) async throws -> any LockStoreSession
    /// Deletes everything under the run's key prefix that this run made (never anything else).
    func cleanup(prefix: String) async throws
}
