// The safety rules every judge of a run uses (the driver's witness, `bench run`'s exit code, the gate,
// chaos experiments), defined here once so they cannot drift apart.

extension LockAlgorithmKind {
    /// Whether the algorithm promises mutual exclusion to a holder that finishes within its lease.
    /// `naive-getdel` and `legacy-getset` are modelled pitfalls: their overlaps are the finding.
    public var promisesExclusion: Bool {
        switch self {
        case .setnxPX, .fenced, .redlock, .etcdMutex, .etcdLockRPC, .zkRecipe: return true
        case .naiveGetdel, .legacyGetset: return false
        }
    }

    /// Whether an overlap of two holders in a run is a violation of the algorithm's promise: it
    /// promises exclusion and every hold ends inside the TTL. `maxHoldUs` is the longest hold the run
    /// can draw (`nil`: unbounded, e.g. exponential), so a hold that outlives its lease is the run's
    /// doing, not the lock's.
    public func overlapsAreViolations(maxHoldUs: Int?, ttlMs: Int) -> Bool {
        guard promisesExclusion, let maxHoldUs else { return false }
        return maxHoldUs < ttlMs * 1_000
    }
}

extension LockGrant {
    /// The monotonic instant (ns, `LockClock.monotonicNanos()`) until which this lease is certainly valid;
    /// a grant of the same key to another holder before it is a double grant.
    ///
    /// Counted from when the acquisition *started*, not from its reply: the server started the TTL when
    /// it ran the SET, somewhere between the two, so counting from the reply would claim up to a round
    /// trip too much and call a legitimate take-over just after expiry a double grant. Redlock's validity
    /// already is `ttl − elapsed − drift` from its attempt's start, so it counts from the grant; so does a
    /// store's claim, whose validity is what its lease or session certainly has left at the grant.
    public func validUntilNanos(algorithm: LockAlgorithmKind) -> UInt64 {
        if algorithm == .redlock || algorithm.store != .redis {
            return self.grantedAtNanos &+ UInt64(max(0, self.validityMs) * 1_000_000)
        }
        return self.startedAtNanos &+ UInt64(max(0, self.ttlMs)) &* 1_000_000
    }

    /// Whether an overlap this grant makes can be a double grant. A store's grant whose own lease or
    /// session was not certainly alive when it was made cannot be: the client waited out its queue with a
    /// lease the store may already have dropped (clientv3 3.4's Mutex does not re-check its own key after
    /// the wait), so the store did not hand out the lock twice; the entrant holds one it lost. A Redis
    /// grant's validity counts from its first attempt, which only says that the key's TTL started later,
    /// so it never rules a double grant out.
    public func canDoubleGrant(algorithm: LockAlgorithmKind, now: UInt64) -> Bool {
        algorithm.store == .redis || validUntilNanos(algorithm: algorithm) > now
    }
}
