import BenchMetrics
import Dispatch
import Foundation
import Locks
import RESP
import RedisConnection
import Synchronization

/// When a run's warm-up is to start, on the monotonic clock (`LockClock.monotonicNanos`), given a
/// check of whether the run was asked to stop (Ctrl-C: return at once, and the run ends empty);
/// throws when the run must not start (a shard missed its barrier).
public typealias StartGate = @Sendable (_ stopRequested: @escaping @Sendable () -> Bool) async throws(DriverError) -> UInt64

/// Runs one scenario: opens the connections, spreads contenders over lanes (serial queues), runs
/// warm-up and the measurement window, stops and merges the recorders. Its keys are the caller's to
/// delete (the harness does, after every run).
public final class LoadRun: Sendable {
    public let scenario: Scenario
    let connector: any RedisConnector
    let endpoints: [Endpoint]
    let connectionOptions: ConnectionOptions
    /// Where the primary moves to, for a deployment whose primary can fail over (Sentinel).
    let primaryWatch: (any PrimaryWatch)?
    /// Decides when warm-up starts, once every connection is open (a shard's barrier).
    let startGate: StartGate?
    /// The consensus store the run's lock contexts open sessions on (`nil`: Redis, over `connector`).
    public let store: StoreRunTarget?
    /// Every key the run creates starts with this.
    public let keyPrefix: String
    let stopRequest = Mutex<String?>(nil)
    /// The lanes while the run is on, for live queries (LoadRun+Live.swift).
    let live = Mutex(LiveLanes())

    /// Prepares a run; nothing connects until `run`. With a `primaryWatch`, the run follows the primary
    /// across failovers (reopening connections through `connector`, which must connect to the current
    /// primary whatever endpoint it is given) and reports each one (`DriverOutcome.failovers`). With a
    /// `store`, every lock context runs over a session of that store instead, and `connector` and
    /// `endpoints` serve only for messages.
    public init(
        scenario: Scenario, connector: any RedisConnector, endpoints: [Endpoint], connectionOptions: ConnectionOptions, keyPrefix: String,
        primaryWatch: (any PrimaryWatch)? = nil, startGate: StartGate? = nil, store: StoreRunTarget? = nil
    ) {
        self.store = store
        self.primaryWatch = primaryWatch
        self.startGate = startGate
        self.scenario = scenario
        self.connector = connector
        self.endpoints = endpoints
        self.connectionOptions = connectionOptions
        self.keyPrefix = keyPrefix
    }

    /// Asks the run to stop early (Ctrl-C): it ends the window now, drains, and returns partial figures.
    public func interrupt(reason: String) {
        stopRequest.withLock { if $0 == nil { $0 = reason } }
    }

    var stopReason: String? { stopRequest.withLock { $0 } }

    /// Runs the scenario to the end of its window (or an early stop) and returns what it measured.
    public func run(progress: (@Sendable (ProgressSnapshot) -> Void)? = nil) async throws(DriverError) -> DriverOutcome {
        // This run's peak, not the process's: an earlier run (the other client) may have peaked higher.
        ProcessStats.resetPeakRSS()
        defer { endLive() }
        let lanes = try await buildLanes()
        let control = try await openControl()
        await goLive(lanes)
        await followPrimary(lanes)
        defer {
            primaryWatch?.stop()
            for lane in lanes { lane.closeAll() }
            for connection in control { connection.close() }
        }
        let fatal = Mutex<String?>(nil)
        for lane in lanes {
            await lane.onQueue { lane.onFatal = { message in fatal.withLock { if $0 == nil { $0 = message } } } }
        }

        var startedAt = LockClock.monotonicNanos()
        if let startGate {
            // Connections are open before the barrier, so no shard's window starts with its connects.
            let instant = try await startGate { self.stopReason != nil }
            let now = LockClock.monotonicNanos()
            if instant > now { try? await Task.sleep(for: .nanoseconds(Int64(instant - now))) }
            // The window sits on the common timeline even when the sleep overslept: warm-up absorbs it.
            startedAt = instant
        }
        let warmupNanos = UInt64(scenario.warmupS * 1e9)
        let windowNanos = UInt64(scenario.durationS * 1e9)
        let windowStart = startedAt + warmupNanos
        let windowEnd = windowStart + windowNanos
        let wallPair = WallClockPair.now()
        let quotas = Self.split(scenario.requests, over: lanes.map { $0.contenders.count })
        for (lane, quota) in zip(lanes, quotas) {
            lane.queue.async { lane.start(windowStart: windowStart, windowEnd: windowEnd, quota: quota) }
        }

        var serverBefore: [ServerStats?] = []
        var commandsBefore = 0
        var processBefore: ProcessStats?
        var peak = ProcessStats.sample()
        var measuring = false
        var lastCount = 0
        var lastTick = startedAt
        var endedAt = windowEnd
        var reason: String?
        while true {
            try? await Task.sleep(for: .milliseconds(100))
            let now = LockClock.monotonicNanos()
            if !measuring && now >= windowStart {
                measuring = true
                serverBefore = await snapshotServers(control)
                processBefore = ProcessStats.sample()
                commandsBefore = await Self.commandsSent(lanes)
            }
            // A busy lane can delay this loop past the window's end: the window never extends beyond it.
            if let message = fatal.withLock({ $0 }) { reason = message; endedAt = min(now, windowEnd); break }
            // A dead server may not fail any acquisition (waits retry quietly), so look at the sockets.
            if let message = await deadServerMessage(lanes) {
                fatal.withLock { if $0 == nil { $0 = message } }
                reason = message
                endedAt = min(now, windowEnd)
                break
            }
            if let message = stopReason { reason = message; endedAt = min(now, windowEnd); break }
            if now >= windowEnd { break }
            if scenario.requests != nil, await Self.allDone(lanes) { endedAt = now; break }
            if now - lastTick >= 1_000_000_000 {
                peak = ProcessStats.max(peak, ProcessStats.sample())
                let snaps = await Self.snapshots(lanes)
                let total = snaps.reduce(0) { $0 + $1.acquisitions }
                let seconds = Double(now - lastTick) / 1e9
                progress?(ProgressSnapshot(
                    elapsedSeconds: Double(now - startedAt) / 1e9, measuring: measuring,
                    acquisitionsPerSecond: Double(total - lastCount) / seconds,
                    p99Us: snaps.compactMap(\.p99Us).max(), errors: snaps.reduce(0) { $0 + $1.errors }))
                lastCount = total
                lastTick = now
            }
        }
        // The window closes now: take the server and process snapshots before the drain adds work.
        let serverAfter = measuring ? await snapshotServers(control) : []
        let commandsInWindow = measuring ? await Self.commandsSent(lanes) - commandsBefore : 0
        let processAfter = ProcessStats.max(peak, ProcessStats.sample())
        let actualEnd = min(endedAt, LockClock.monotonicNanos())
        await withTaskGroup(of: Void.self) { group in
            for lane in lanes {
                group.addTask { await lane.stopAndDrain(windowEndAt: actualEnd, boundNanos: 5_000_000_000) }
            }
        }
        var recorders: [QueueRecorder] = []
        for lane in lanes { recorders.append(await lane.onQueue { lane.recorder }) }
        let deltas: [ServerStatsDelta?] = serverAfter.indices.map { i in
            guard i < serverBefore.count, let before = serverBefore[i], let after = serverAfter[i] else { return nil }
            return after.delta(since: before)
        }
        let faults = await Self.faultFigures(lanes)
        var liveness: [StoreLiveness] = []
        for lane in lanes { liveness += await lane.onQueue { lane.storeLiveness() } }
        let failovers = await Self.failovers(lanes, windowStart: windowStart)
        let partial = reason != nil
        var grantLanes: [LaneGrants] = []
        if scenario.recordGrants == true {
            for lane in lanes { if let grants = await lane.onQueue({ lane.grants }) { grantLanes.append(grants) } }
        }
        let drainedAt = LockClock.monotonicNanos()
        var outcome = DriverOutcome(
            recorder: QueueRecorder.merged(recorders),
            serverDeltas: deltas,
            process: processBefore.map { processAfter.delta(since: $0) },
            windowSeconds: measuring ? Double(actualEnd - windowStart) / 1e9 : 0,
            partial: partial,
            partialReason: reason,
            fatalError: fatal.withLock { $0 },
            clientCommands: commandsInWindow,
            redisVersion: serverAfter.first??.redisVersion ?? serverBefore.first??.redisVersion,
            events: faults.events, reconnects: faults.reconnects, undrained: faults.undrained, failovers: failovers)
        if scenario.recordGrants == true { outcome.grants = wallPair.intervals(grantLanes, end: drainedAt) }
        outcome.storeLiveness = StoreLiveness.summed(liveness)
        return outcome
    }

    /// A message when a server the run depends on has gone away: any, for a single server; for
    /// Redlock, when fewer than a quorum of masters remain.
    func deadServerMessage(_ lanes: [Lane]) async -> String? {
        guard reconnectPolicy == nil else { return nil }
        var dead = Set<String>()
        for lane in lanes { dead.formUnion(await lane.onQueue { lane.deadEndpoints() }) }
        guard !dead.isEmpty else { return nil }
        let servers = activeEndpoints.count
        if scenario.lock.algorithm == .redlock, servers - dead.count >= scenario.lock.redlock.quorum { return nil }
        return "lost the connection to \(dead.sorted().joined(separator: ", ")) (server died or closed the connection)"
    }

    static func split(_ total: Int?, over sizes: [Int]) -> [Int?] {
        guard let total else { return sizes.map { _ in nil } }
        let all = max(sizes.reduce(0, +), 1)
        var quotas = sizes.map { max(1, total * $0 / all) }
        quotas[0] += max(0, total - quotas.reduce(0, +))
        return quotas
    }

    static func commandsSent(_ lanes: [Lane]) async -> Int {
        var total = 0
        for lane in lanes { total += await lane.onQueue { lane.commandsSent() } }
        return total
    }

    static func allDone(_ lanes: [Lane]) async -> Bool {
        for lane in lanes where !(await lane.onQueue { lane.stopping }) { return false }
        return true
    }

    static func snapshots(_ lanes: [Lane]) async -> [Lane.Snapshot] {
        var result: [Lane.Snapshot] = []
        for lane in lanes { result.append(await lane.onQueue { lane.snapshot() }) }
        return result
    }

    /// The servers' counters now: INFO over `control` on Redis, the store's own source elsewhere.
    func snapshotServers(_ control: [any RedisConnection]) async -> [ServerStats?] {
        if let store { return await store.stats?.snapshot() ?? [] }
        var result: [ServerStats?] = []
        for connection in control {
            guard let reply = try? await connection.send(["INFO", "server", "stats", "cpu", "commandstats"]),
                  let text = reply.string else {
                result.append(nil)
                continue
            }
            result.append(try? ServerStats(parsing: text))
        }
        return result
    }
}
