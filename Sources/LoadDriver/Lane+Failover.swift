import Dispatch
import Locks
import RedisConnection

/// One lane's view of one failover, kept on its queue (see `FailoverWindow`).
struct LaneFailoverRecord: Sendable {
    var move: PrimaryMove
    var lastGrantBefore: UInt64?
    var firstGrantAfter: UInt64?
    var failed = 0
    var errors = 0
    var doubleGrants = 0
    var oldPrimaryGrants = 0
}

/// What a lane tracks to follow a moving primary, confined to its queue. Counters since the last
/// grant make the window's counts start at the last grant before the move, not at the move: with a
/// primary killed outright, the failures start the moment it dies, long before Sentinel says so.
struct LaneFailovers {
    let watch: any PrimaryWatch
    var lastGrantAt: UInt64?
    var failedSinceGrant = 0
    var errorsSinceGrant = 0
    var records: [LaneFailoverRecord] = []
    /// The record still waiting for its first grant on the new primary.
    var open: Int?

    mutating func noticed(_ move: PrimaryMove) {
        records.append(LaneFailoverRecord(move: move, lastGrantBefore: lastGrantAt, failed: failedSinceGrant, errors: errorsSinceGrant))
        open = records.count - 1
    }

    mutating func granted(at now: UInt64, on endpoint: Endpoint?) {
        lastGrantAt = now
        failedSinceGrant = 0
        errorsSinceGrant = 0
        guard let k = open else { return }
        if endpoint == records[k].move.to {
            records[k].firstGrantAfter = now
            open = nil
        } else {
            records[k].oldPrimaryGrants += 1
        }
    }

    mutating func failed() {
        failedSinceGrant += 1
        if let k = open { records[k].failed += 1 }
    }

    mutating func error() {
        errorsSinceGrant += 1
        if let k = open { records[k].errors += 1 }
    }

    mutating func doubleGranted(_ n: Int) {
        if !records.isEmpty { records[records.count - 1].doubleGrants += n }
    }
}

extension Lane {
    /// Makes the lane follow `watch`'s moves (call before `start`, with `tolerateFaults` set).
    func followPrimary(_ watch: any PrimaryWatch) {
        failovers = LaneFailovers(watch: watch)
    }

    /// The primary moved: record it, and close every connection not on the new primary so that the
    /// lane reopens it there now, rather than when a command on it next fails (a demoted primary
    /// answers reads, and a waiting contender may send nothing for a while).
    func primaryMoved(_ move: PrimaryMove) {
        dispatchPrecondition(condition: .onQueue(queue))
        failovers?.noticed(move)
        let now = LockClock.monotonicNanos()
        for slot in contexts.indices {
            let context = contexts[slot]
            let stale = context.connections + (context.subscriber.map { [$0] } ?? [])
            var closed = false
            for connection in stale where connection.isOpen && connection.endpoint != move.to {
                connection.close()
                closed = true
            }
            if closed, faults?.reopening.contains(slot) == false { reopen(slot, now: now) }
        }
    }

    /// Counts an error in the failover window; a `READONLY` reply means this context still talks to
    /// a demoted primary: close its connections (the fault path reopens them on the current primary)
    /// and have the watch ask where the primary went.
    func failoverSaw(_ failure: LockFailure, context: LockContext) {
        guard failovers != nil else { return }
        // As the recorder's counts: the window's only (after it, acquisitions time out at its end).
        if LockClock.monotonicNanos() <= windowEnd { failovers?.error() }
        guard failure.code == .serverError, failure.detail.contains("READONLY") else { return }
        for connection in context.connections where connection.isOpen {
            failovers?.watch.suspect(connection.endpoint)
            connection.close()
        }
    }

    /// The lane's failover records (read on `queue`).
    func failoverRecords() -> [LaneFailoverRecord] { failovers?.records ?? [] }
}
