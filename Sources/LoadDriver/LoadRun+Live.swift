import Locks

/// The lanes of a run in progress, for callers that inject faults while it runs.
struct LiveLanes {
    var lanes: [Lane] = []
    var ended = false
}

/// Fault-experiment figures gathered from the lanes at the end.
struct FaultFigures: Sendable {
    var events: LoadEventLog?
    var reconnects: Int
    var undrained: Int
}

extension LoadRun {
    /// Sets the lanes up for fault experiments (reconnects, the event log) and publishes them to the live
    /// queries. Call before the lanes start.
    func goLive(_ lanes: [Lane]) async {
        let policy = reconnectPolicy
        let capacity = scenario.eventLogCapacity
        let connector = connector
        let options = laneConnectionOptions()
        for lane in lanes {
            await lane.onQueue {
                if let policy { lane.tolerateFaults(policy, connector: connector, options: options) }
                lane.keepEvents(capacity: capacity)
            }
        }
        live.withLock { $0.lanes = lanes }
    }

    func endLive() {
        live.withLock { $0 = LiveLanes(lanes: [], ended: true) }
    }

    /// Whether `run` has returned (or failed to start and never will return lanes).
    public var hasEnded: Bool { live.withLock { $0.ended } }

    /// The first grant after `instant` (monotonic ns) so far, read live from the lanes' event logs (needs
    /// `Scenario.eventLogCapacity`); `nil` before the run has started or without such a grant yet.
    public func firstGrant(after instant: UInt64) async -> UInt64? {
        var first: UInt64?
        for lane in live.withLock({ $0.lanes }) {
            guard let at = await lane.onQueue({ lane.events?.firstGrant(after: instant) }) else { continue }
            first = min(first ?? at, at)
        }
        return first
    }

    /// The latest grant so far (monotonic ns), read live like `firstGrant(after:)`.
    public func latestGrant() async -> UInt64? {
        var latest: UInt64?
        for lane in live.withLock({ $0.lanes }) {
            guard let at = await lane.onQueue({ lane.events?.lastGrant(atOrBefore: .max) }) else { continue }
            latest = max(latest ?? at, at)
        }
        return latest
    }

    /// Waits until some contender is granted after `instant`, polling every 5 ms, for at most `boundMs`
    /// or until `stop` says so or the run ends; returns that grant's instant. A phase that must show a
    /// grant runs until it does, so a slow machine stretches it rather than failing it; the bound only
    /// stops waiting for a lock that never recovers.
    public func waitForGrant(after instant: UInt64, boundMs: Int, stop: @Sendable () -> Bool = { false }) async -> UInt64? {
        let deadline = LockClock.monotonicNanos() &+ UInt64(boundMs) * 1_000_000
        while LockClock.monotonicNanos() < deadline, !stop(), !hasEnded {
            if let at = await firstGrant(after: instant) { return at }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        return nil
    }

    static func faultFigures(_ lanes: [Lane]) async -> FaultFigures {
        var logs: [LoadEventLog] = []
        var reconnects = 0
        var undrained = 0
        for lane in lanes {
            let (log, reopened, busy) = await lane.onQueue { (lane.events, lane.faults?.reconnects ?? 0, lane.active) }
            if let log { logs.append(log) }
            reconnects += reopened
            undrained += busy
        }
        return FaultFigures(events: logs.isEmpty ? nil : LoadEventLog.merged(logs), reconnects: reconnects, undrained: undrained)
    }
}
