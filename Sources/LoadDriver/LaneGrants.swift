import BenchMetrics
import Locks
import POSIX

/// A lane's grants in the window, for `--grants-log` (`Scenario.recordGrants`). Confined to the lane's
/// queue. A row keeps the grant itself (one reference: no string is copied) and two clock readings, so
/// recording costs an amortized array append per grant and nothing per release.
struct LaneGrants {
    struct Row {
        var grant: LockGrant
        var validUntilNanos: UInt64
        /// 0 until the holder stops holding.
        var endNanos: UInt64
    }

    var rows: [Row] = []
    /// Per local contender: its open row, or -1.
    var open: [Int]

    init(contenders: Int) { open = Array(repeating: -1, count: contenders) }

    mutating func entered(_ i: Int, grant: LockGrant, validUntilNanos: UInt64) {
        open[i] = rows.count
        rows.append(Row(grant: grant, validUntilNanos: validUntilNanos, endNanos: 0))
    }

    mutating func exited(_ i: Int, now: UInt64) {
        guard open[i] >= 0 else { return }
        rows[open[i]].endNanos = now
        open[i] = -1
    }
}

/// The monotonic clock of the driver mapped onto the wall clock by one pair read together, so the
/// log's times can be moved onto the server's timeline with a shard's offset (which is to its wall clock).
public struct WallClockPair: Sendable {
    var monoNanos: UInt64
    var wallUs: Int64

    static func now() -> WallClockPair { WallClockPair(monoNanos: LockClock.monotonicNanos(), wallUs: WallClock.micros()) }

    func wallUs(_ mono: UInt64) -> Int64 { wallUs + (Int64(bitPattern: mono) - Int64(bitPattern: monoNanos)) / 1_000 }

    /// Every lane's rows as intervals; a hold still open at the end (the drain's bound ran out) ends at `end`.
    func intervals(_ lanes: [LaneGrants], end: UInt64) -> [GrantInterval] {
        lanes.flatMap(\.rows).map { row in
            GrantInterval(
                key: row.grant.key, token: row.grant.token, fencingToken: row.grant.fencingToken,
                grantedUs: wallUs(row.grant.grantedAtNanos), endUs: wallUs(row.endNanos == 0 ? end : row.endNanos),
                validUntilUs: wallUs(row.validUntilNanos))
        }.sorted { $0.grantedUs < $1.grantedUs }
    }
}
