/// Evidence that a lock failed at its one job. Any non-zero value for a lock that claims to be safe is a
/// finding, so these are counted exactly and never sampled.
public struct SafetyCounters: Codable, Sendable, Hashable {
    /// Times the witness saw a second holder enter while one was inside (mutual-exclusion violations).
    public var mutexOverlaps: Int
    /// Writes the fenced resource refused because their fencing token was older than one already seen.
    public var staleWritesRejected: Int
    /// Releases that deleted a lock held by someone else (naive-getdel's race).
    public var wrongOwnerDeletes: Int
    /// Grants of a key already granted to a live holder, as the algorithm itself reported them
    /// (legacy-getset's clock-skew takeovers), independent of the witness.
    public var doubleGrants: Int

    /// Counters with the given values (all zero by default).
    public init(mutexOverlaps: Int = 0, staleWritesRejected: Int = 0, wrongOwnerDeletes: Int = 0, doubleGrants: Int = 0) {
        self.mutexOverlaps = mutexOverlaps
        self.staleWritesRejected = staleWritesRejected
        self.wrongOwnerDeletes = wrongOwnerDeletes
        self.doubleGrants = doubleGrants
    }

    /// Adds another queue's counts.
    public mutating func merge(_ other: SafetyCounters) {
        mutexOverlaps += other.mutexOverlaps
        staleWritesRejected += other.staleWritesRejected
        wrongOwnerDeletes += other.wrongOwnerDeletes
        doubleGrants += other.doubleGrants
    }

    /// The sum of all four: zero when nothing unsafe was seen.
    public var total: Int { mutexOverlaps + staleWritesRejected + wrongOwnerDeletes + doubleGrants }
}
