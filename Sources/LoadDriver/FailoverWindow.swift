import RedisConnection

/// One failover a run followed, as the driver saw it: how long nobody got the lock, and what went
/// wrong meanwhile. Times are the driver's monotonic clock, in ms from the start of the measurement
/// window (negative: during warm-up).
public struct FailoverWindow: Codable, Sendable, Hashable {
    /// The primary before, when known.
    public var from: Endpoint?
    /// The primary after.
    public var to: Endpoint
    /// When the run heard of the move (`+switch-master`, or a re-resolution after `READONLY`).
    public var noticedAtMs: Double
    /// The last grant on any lane before the move was heard of; `nil` if none came before it.
    public var lastGrantBeforeMs: Double?
    /// The first grant on the new primary after it; `nil` if none came before the run ended.
    public var firstGrantAfterMs: Double?
    /// Acquisitions in the measurement window that ended without the lock between each lane's last
    /// grant before the move and its first grant on the new primary.
    public var failedAcquisitions: Int
    /// Errors (transport, error replies such as `READONLY`) in that same stretch.
    public var errors: Int
    /// Double grants the witness saw from the move on (until the next move): a holder from the old
    /// primary whose lease was still valid while the new primary granted the key again.
    public var doubleGrants: Int
    /// Grants the old primary still made after the move was heard of (before it was demoted or died):
    /// each one is a lock the new primary knows nothing about.
    public var oldPrimaryGrants: Int

    public init(
        from: Endpoint?, to: Endpoint, noticedAtMs: Double, lastGrantBeforeMs: Double?, firstGrantAfterMs: Double?,
        failedAcquisitions: Int, errors: Int, doubleGrants: Int, oldPrimaryGrants: Int
    ) {
        self.from = from
        self.to = to
        self.noticedAtMs = noticedAtMs
        self.lastGrantBeforeMs = lastGrantBeforeMs
        self.firstGrantAfterMs = firstGrantAfterMs
        self.failedAcquisitions = failedAcquisitions
        self.errors = errors
        self.doubleGrants = doubleGrants
        self.oldPrimaryGrants = oldPrimaryGrants
    }

    /// Last grant before → first grant after, ms; `nil` when either is missing.
    public var unavailableMs: Double? {
        guard let before = lastGrantBeforeMs, let after = firstGrantAfterMs else { return nil }
        return max(0, after - before)
    }
}

extension FailoverWindow {
    /// The run's failovers from every lane's records: lanes hear of the same moves in the same order,
    /// so record k of each lane is failover k. The window spans all lanes: the latest last grant before
    /// and the earliest first grant after; counts are summed.
    static func merged(_ lanes: [[LaneFailoverRecord]], windowStart: UInt64) -> [FailoverWindow] {
        let count = lanes.map(\.count).max() ?? 0
        func ms(_ at: UInt64) -> Double { (Double(at) - Double(windowStart)) / 1_000_000 }
        return (0..<count).compactMap { k in
            let records = lanes.compactMap { $0.indices.contains(k) ? $0[k] : nil }
            guard let move = records.first?.move else { return nil }
            return FailoverWindow(
                from: move.from, to: move.to, noticedAtMs: ms(move.atNanos),
                lastGrantBeforeMs: records.compactMap(\.lastGrantBefore).max().map(ms),
                firstGrantAfterMs: records.compactMap(\.firstGrantAfter).min().map(ms),
                failedAcquisitions: records.reduce(0) { $0 + $1.failed },
                errors: records.reduce(0) { $0 + $1.errors },
                doubleGrants: records.reduce(0) { $0 + $1.doubleGrants },
                oldPrimaryGrants: records.reduce(0) { $0 + $1.oldPrimaryGrants })
        }
    }
}

extension RunResult {
    /// The failover whose window was longest (one with no grant after it counts as the longest).
    public var worstFailover: FailoverWindow? {
        failovers?.max { ($0.unavailableMs ?? .infinity) < ($1.unavailableMs ?? .infinity) }
    }
}
