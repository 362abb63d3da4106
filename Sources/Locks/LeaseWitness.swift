/// The safety witness's rule for one key, as a value: who believes they hold it, and until when each
/// one's lease is certainly valid. The driver keeps one per key on the key's lane (no lock: the lane's
/// queue confines it); `MutexWitness` wraps the same value in a `Mutex` for holders on several queues or
/// in other processes. Holders are the caller's ids.
///
/// An entry while someone else is inside is an overlap (two holders at once). It is also a double grant
/// when that other holder's lease was still valid: the lock service handed out a lock it had already
/// given away, rather than a holder outliving its TTL.
public struct LeaseWitness: Sendable {
    // Two parallel arrays, not an array of pairs or a dictionary: one or two holders is the norm, and
    // this runs on every grant of a load run.
    @usableFromInline var holderIDs: [UInt64] = []
    @usableFromInline var validUntil: [UInt64] = []

    public init() {}

    /// What one entry found.
    public struct Entry: Sendable, Hashable {
        /// Holders already inside when it entered.
        public var inside: Int
        /// Of those, holders whose lease had not yet run out.
        public var stillValid: Int
        /// Someone else was inside: a mutual-exclusion violation if the algorithm promises exclusion.
        public var overlap: Bool { inside > 0 }
        /// Someone else inside still had a valid lease: the lock was granted twice.
        public var doubleGrant: Bool { stillValid > 0 }

        @inlinable
        public init(inside: Int, stillValid: Int) {
            self.inside = inside
            self.stillValid = stillValid
        }
    }

    /// Holders inside now.
    public var holders: [UInt64] { holderIDs }

    /// `holder` now believes it holds the key, with a lease valid until `validUntilNanos` (monotonic ns,
    /// `LockGrant.validUntilNanos(algorithm:)`; `.max` when the caller has no lease to judge).
    @inlinable
    @discardableResult
    public mutating func enter(_ holder: UInt64, validUntilNanos: UInt64, now: UInt64) -> Entry {
        var stillValid = 0
        for until in validUntil where until > now { stillValid += 1 }
        let entry = Entry(inside: holderIDs.count, stillValid: stillValid)
        holderIDs.append(holder)
        validUntil.append(validUntilNanos)
        return entry
    }

    /// `holder` no longer believes it holds the key (released, or gave up); false when it was not inside
    /// (a harness bug, not a lock bug).
    @inlinable
    @discardableResult
    public mutating func exit(_ holder: UInt64) -> Bool {
        guard let at = holderIDs.firstIndex(of: holder) else { return false }
        holderIDs.remove(at: at)
        validUntil.remove(at: at)
        return true
    }
}

/// The fencing rule a protected resource applies: a write carrying a token lower than one already
/// accepted is stale and refused; an equal token is the same holder writing again.
public struct FenceHighWater: Sendable {
    @usableFromInline var high: Int64 = .min

    /// The highest token accepted (`.min` before the first).
    public var highest: Int64 { high }

    public init() {}

    /// Whether a write with `token` is accepted; raises the high-water mark when it is.
    @inlinable
    public mutating func accept(_ token: Int64) -> Bool {
        if token < high { return false }
        high = token
        return true
    }
}
