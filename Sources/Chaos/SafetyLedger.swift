import Locks
import Synchronization

/// The safety witness of a chaos run: who believes they hold which key, and until when their lease is
/// certainly valid. Thread-safe; one ledger can watch contenders on any queue, and holders in other
/// processes (the parent records a worker's grant and release as the worker reports them).
///
/// An entry while someone else is inside is an overlap (two holders at once). It is also a double
/// grant when the other holder's lease was still valid: the lock service handed out a lock it had
/// already given away, rather than a holder outliving its TTL.
public final class SafetyLedger: Sendable {
    private struct Holder {
        var id: String
        var validUntilNanos: UInt64
    }

    private struct State {
        var inside: [String: [Holder]] = [:]
        var overlaps = 0
        var doubleGrants = 0
        var entries = 0
    }

    private let state = Mutex(State())

    /// Makes an empty ledger.
    public init() {}

    /// What one entry found.
    public struct Entry: Sendable, Hashable {
        /// Someone else was inside.
        public var overlap: Bool
        /// Someone else inside still had a valid lease.
        public var doubleGrant: Bool
    }

    /// `holder` now believes it holds `key`, with a lease valid until `validUntilNanos` (monotonic,
    /// which is one clock for every process on the machine).
    @discardableResult
    public func enter(key: String, holder: String, validUntilNanos: UInt64, now: UInt64 = LockClock.monotonicNanos()) -> Entry {
        state.withLock { s in
            s.entries += 1
            let others = s.inside[key, default: []]
            let entry = Entry(overlap: !others.isEmpty, doubleGrant: others.contains { $0.validUntilNanos > now })
            if entry.overlap { s.overlaps += 1 }
            if entry.doubleGrant { s.doubleGrants += 1 }
            s.inside[key, default: []].append(Holder(id: holder, validUntilNanos: validUntilNanos))
            return entry
        }
    }

    /// `holder` no longer believes it holds `key` (released, or gave up).
    public func exit(key: String, holder: String) {
        state.withLock { s in
            guard var holders = s.inside[key], let index = holders.firstIndex(where: { $0.id == holder }) else { return }
            holders.remove(at: index)
            s.inside[key] = holders.isEmpty ? nil : holders
        }
    }

    /// Entries that found another holder inside.
    public var overlaps: Int { state.withLock { $0.overlaps } }
    /// Entries that found another holder whose lease was still valid.
    public var doubleGrants: Int { state.withLock { $0.doubleGrants } }
    /// Every entry.
    public var entries: Int { state.withLock { $0.entries } }

    /// The monotonic instant until which `grant`'s lease is certainly valid (Locks' rule).
    public static func validUntil(_ grant: LockGrant, algorithm: LockAlgorithmKind) -> UInt64 {
        grant.validUntilNanos(algorithm: algorithm)
    }
}
