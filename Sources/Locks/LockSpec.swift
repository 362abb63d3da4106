/// The lock algorithms the harness can run. Raw values are the names used on the command line and in outputs.
public enum LockAlgorithmKind: String, CaseIterable, Codable, Sendable, Hashable, CustomStringConvertible {
    /// `SET key token NX PX ttl`; release/extend by Lua compare-and-delete / compare-and-pexpire.
    case setnxPX = "setnx-px"
    /// The pre-2.6.12 design: `SETNX key <expiry>`, `GET`, `GETSET` takeover; client clocks judge expiry.
    case legacyGetset = "legacy-getset"
    /// Like `setnx-px` but released with `GET` then a delete: the race can delete another owner's lock.
    case naiveGetdel = "naive-getdel"
    /// `setnx-px` plus a strictly increasing fencing token (`INCR` in the same script).
    case fenced
    /// Redlock over N independent masters, quorum N/2+1, validity = ttl − elapsed − drift.
    case redlock
    /// etcd's `concurrency.Mutex` recipe: a key under the lock's prefix with the session's lease; wait
    /// for the key of the next-lower create revision to be deleted (a watch). FIFO by construction.
    case etcdMutex = "etcd-mutex"
    /// etcd's server-side `v3lock.Lock` RPC (the same recipe, run by the server for the client).
    case etcdLockRPC = "etcd-lock-rpc"
    /// ZooKeeper's lock recipe: an ephemeral sequential znode; watch the next-lower sibling (no herd).
    case zkRecipe = "zk-recipe"

    public var description: String { rawValue }

    /// The store the algorithm runs on: its recipes are written against that store's API.
    public var store: LockStoreKind {
        switch self {
        case .setnxPX, .legacyGetset, .naiveGetdel, .fenced, .redlock: return .redis
        case .etcdMutex, .etcdLockRPC: return .etcd
        case .zkRecipe: return .zookeeper
        }
    }

    /// The wait strategies this algorithm supports.
    ///
    /// `fifo` needs the lock value to be a token that a release script can hand to the next ticket, so only
    /// `setnx-px` and `fenced`; `naive-getdel` and `legacy-getset` release without a script by definition.
    /// `redlock` spans N masters with no common place for a queue or a channel, so it has the
    /// sleeping strategies only (plus its own random retry delay).
    public var supportedWaits: [WaitStrategy.Kind] {
        switch self {
        case .setnxPX, .fenced: return WaitStrategy.Kind.allCases.filter { $0 != .watch }
        case .naiveGetdel, .legacyGetset: return [.spin, .fixed, .backoff, .pubsub]
        case .redlock: return [.spin, .fixed, .backoff]
        case .etcdMutex, .etcdLockRPC, .zkRecipe: return [.watch]
        }
    }

    /// The wait used when none is named: `backoff` on Redis, the store's own queue elsewhere.
    public var defaultWait: WaitStrategy.Kind { store == .redis ? .backoff : .watch }

    /// Whether the algorithm has an `extend` (legacy-getset has none: its expiry is a value, not a TTL).
    public var supportsExtend: Bool { self != .legacyGetset && store == .redis }

    /// Whether grants carry a fencing token (`fenced`'s counter, etcd's revision, ZooKeeper's czxid).
    public var fences: Bool { self == .fenced || store != .redis }
}

/// Redlock parameters.
public struct RedlockSpec: Codable, Sendable, Hashable {
    /// How many independent masters (the context must be given this many connections).
    public var nodes: Int
    /// Clock drift allowance as a fraction of the TTL.
    public var driftFactor: Double
    /// Fixed drift allowance, ms.
    public var driftFixedMs: Double
    /// After a failed attempt, a uniform random delay in `retryDelayMinMs...retryDelayMaxMs` is added to
    /// the wait strategy's own delay, to desynchronise contenders (the published algorithm's "random
    /// delay"). Set both to 0 to measure a wait strategy alone.
    public var retryDelayMinMs: Int
    /// See `retryDelayMinMs`.
    public var retryDelayMaxMs: Int
    /// A node that has not answered within this long counts as failed for the attempt, so one paused
    /// node cannot stall acquisition, ms.
    public var perNodeTimeoutMs: Int

    /// Defaults: 5 nodes, drift 0.01·ttl + 2 ms, retry delay 0–50 ms, per-node timeout 50 ms.
    public init(
        nodes: Int = 5, driftFactor: Double = 0.01, driftFixedMs: Double = 2,
        retryDelayMinMs: Int = 0, retryDelayMaxMs: Int = 50, perNodeTimeoutMs: Int = 50
    ) {
        self.nodes = nodes
        self.driftFactor = driftFactor
        self.driftFixedMs = driftFixedMs
        self.retryDelayMinMs = retryDelayMinMs
        self.retryDelayMaxMs = retryDelayMaxMs
        self.perNodeTimeoutMs = perNodeTimeoutMs
    }

    /// Votes needed: N/2 + 1.
    public var quorum: Int { nodes / 2 + 1 }

    /// Drift allowance for a TTL: `ttl × driftFactor + driftFixedMs`, ms.
    public func driftMs(ttlMs: Int) -> Double { Double(ttlMs) * driftFactor + driftFixedMs }

    /// `ttl − elapsed − drift`, ms: how long a lock granted after `elapsedNanos` is safe to use.
    public func validityMs(ttlMs: Int, elapsedNanos: UInt64) -> Double {
        Double(ttlMs) - Double(elapsedNanos) / 1_000_000 - driftMs(ttlMs: ttlMs)
    }
}

/// Everything that decides how locks are taken: printed into every output, so a run can be reproduced.
public struct LockSpec: Codable, Sendable, Hashable {
    public var algorithm: LockAlgorithmKind
    /// The wait strategy, with its parameters.
    public var wait: WaitStrategy
    /// Lock time-to-live, ms (legacy-getset stores now + ttl + 1 as the expiry).
    public var ttlMs: Int
    /// Redlock parameters (ignored by other algorithms).
    public var redlock: RedlockSpec
    /// Give up after this many attempts (`nil`: keep trying until the deadline).
    public var maxAttempts: Int?

    /// Makes a spec; defaults: ttl 10 s, default Redlock parameters, no attempt limit.
    public init(
        algorithm: LockAlgorithmKind, wait: WaitStrategy, ttlMs: Int = 10_000,
        redlock: RedlockSpec = RedlockSpec(), maxAttempts: Int? = nil
    ) {
        self.algorithm = algorithm
        self.wait = wait
        self.ttlMs = ttlMs
        self.redlock = redlock
        self.maxAttempts = maxAttempts
    }

    /// How many command connections a context for this spec needs (one per Redlock master, else one).
    /// A consensus store's recipe needs none: it runs over a `LockStoreSession`.
    public var commandConnections: Int {
        if algorithm.store != .redis { return 0 }
        return algorithm == .redlock ? redlock.nodes : 1
    }

    /// Whether a context for this spec needs a subscriber connection.
    public var needsSubscriber: Bool { wait.needsSubscriber }

    /// Checks the combination and every parameter; the error says what to change.
    public func validate() throws(LockSpecError) {
        func fail(_ field: String, _ reason: String) -> LockSpecError { LockSpecError(field: field, reason: reason) }
        guard algorithm.supportedWaits.contains(wait.kind) else {
            throw fail("wait", "\(algorithm) does not support wait '\(wait.kind)'; use one of \(algorithm.supportedWaits.map(\.rawValue).joined(separator: ", "))")
        }
        guard ttlMs >= 1 else { throw fail("ttlMs", "must be at least 1 ms, got \(ttlMs)") }
        if let maxAttempts, maxAttempts < 1 { throw fail("maxAttempts", "must be at least 1, got \(maxAttempts)") }
        try wait.validate()
        if algorithm == .redlock {
            guard redlock.nodes >= 1 else { throw fail("redlock.nodes", "must be at least 1") }
            guard redlock.driftFactor >= 0, redlock.driftFixedMs >= 0 else { throw fail("redlock.drift", "factor and fixed part must not be negative") }
            guard redlock.retryDelayMinMs >= 0, redlock.retryDelayMaxMs >= redlock.retryDelayMinMs else {
                throw fail("redlock.retryDelayMaxMs", "must be at least retryDelayMinMs, both ≥ 0")
            }
            guard redlock.perNodeTimeoutMs >= 1 else { throw fail("redlock.perNodeTimeoutMs", "must be at least 1 ms") }
        }
    }
}

/// An invalid `LockSpec`: which field, and what to change.
public struct LockSpecError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The field, e.g. `wait.cap`.
    public var field: String
    /// What is wrong and what to use instead.
    public var reason: String
    /// `invalid lock spec: <field> <reason>`.
    public var description: String { "invalid lock spec: \(field) \(reason)" }
}
