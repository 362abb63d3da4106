import Foundation
import Locks
import RESP
import RedisConnection
import RedisFleet
import Synchronization

/// What every scenario of one `bench chaos` invocation shares: the plan, the resource server, the key
/// prefix, notes for the reader, the processes started (for the orphan check), and Ctrl-C.
final class ChaosRun: Sendable {
    let plan: ChaosPlan
    let resource: ResourceStore
    let resourceEndpoint: Endpoint
    /// Every key of this invocation starts with it (the servers are the run's own and stop with it, but
    /// the key checks look under this prefix only).
    let prefix: String
    /// The servers' version (`redis-server --version`).
    let redisVersion: String
    private let noteList = Mutex<[String]>([])
    private let phaseList = Mutex<[PhaseSummary]>([])
    private let processes = Mutex<[TrackedProcess]>([])
    private let stopRequested = Atomic<Bool>(false)
    private let workers = Mutex<[WorkerProcess]>([])

    init(plan: ChaosPlan, resource: ResourceStore, resourceEndpoint: Endpoint, prefix: String, redisVersion: String) {
        self.plan = plan
        self.resource = resource
        self.resourceEndpoint = resourceEndpoint
        self.prefix = prefix
        self.redisVersion = redisVersion
    }

    // MARK: notes, cancellation, processes

    /// Records a note for the end of the run (printed once, even when several rows hit it).
    func note(_ text: String) {
        noteList.withLock { if !$0.contains(text) { $0.append(text) } }
    }

    var notes: [String] { noteList.withLock { $0 } }

    /// Keeps the phases of a load run for the availability table.
    func record(_ phases: [PhaseSummary]) {
        phaseList.withLock { $0 += phases }
    }

    var phases: [PhaseSummary] { phaseList.withLock { $0 } }

    /// Ctrl-C: stop after the current trial; kill any worker now (it may be SIGSTOPped).
    func interrupt() {
        stopRequested.store(true, ordering: .relaxed)
        for worker in workers.withLock({ $0 }) { worker.kill() }
    }

    var interrupted: Bool { stopRequested.load(ordering: .relaxed) }

    /// Remembers a process the run started, so tests can check none outlived it.
    func track(_ pid: Int32?) {
        guard let pid else { return }
        let seen = TrackedProcess(pid: pid)
        processes.withLock { if !$0.contains(seen) { $0.append(seen) } }
    }

    var trackedProcesses: [TrackedProcess] { processes.withLock { $0 } }

    func register(_ worker: WorkerProcess) {
        track(worker.pid)
        workers.withLock { $0.append(worker) }
        if interrupted { worker.kill() }
    }

    func unregister(_ worker: WorkerProcess) {
        workers.withLock { $0.removeAll { $0 === worker } }
    }

    // MARK: servers

    /// Starts a fleet, runs `body`, and always stops the fleet (its data goes with it), tracking every
    /// node's process for the orphan check.
    func withFleet<R>(
        count: Int, options: RedisServerOptions = RedisServerOptions(),
        _ body: (RedisFleet) async throws(ChaosEnvironmentError) -> R
    ) async throws(ChaosEnvironmentError) -> R {
        try await withFleet("\(count) redis-server(s)", options: options, start: { options throws(FleetError) in
            try await RedisFleet.start(count: count, options: options)
        }, body)
    }

    /// `withFleet` for any shape RedisFleet starts (replicated, Sentinels): `start` gets the options
    /// with the plan's redis-server filled in.
    func withFleet<R>(
        _ what: String, options: RedisServerOptions = RedisServerOptions(),
        start: (RedisServerOptions) async throws(FleetError) -> RedisFleet,
        _ body: (RedisFleet) async throws(ChaosEnvironmentError) -> R
    ) async throws(ChaosEnvironmentError) -> R {
        var options = options
        if options.executable == nil { options.executable = plan.redisServer }
        let fleet: RedisFleet
        do {
            fleet = try await start(options)
        } catch {
            throw ChaosEnvironmentError(error.code == .replication ? .replication : .servers, "cannot start \(what): \(error)")
        }
        for node in fleet.nodes { track(node.pid) }
        do {
            let result = try await body(fleet)
            for node in fleet.nodes { track(node.pid) }
            await fleet.stop()
            return result
        } catch {
            for node in fleet.nodes { track(node.pid) }
            await fleet.stop()
            throw error
        }
    }

    /// Restarts node `index` empty, tracking the new process.
    func restart(_ fleet: RedisFleet, _ index: Int) async throws(ChaosEnvironmentError) {
        do {
            try await fleet.restart(index)
        } catch {
            throw ChaosEnvironmentError(.servers, "cannot restart node \(index): \(error)")
        }
        track(fleet.pid(index))
    }

    /// Restarts several nodes at once, each empty.
    func restart(_ fleet: RedisFleet, _ indices: [Int]) async throws(ChaosEnvironmentError) {
        let failures = await withTaskGroup(of: ChaosEnvironmentError?.self) { group in
            for index in indices {
                group.addTask {
                    do throws(ChaosEnvironmentError) { try await self.restart(fleet, index) } catch { return error }
                    return nil
                }
            }
            var failures: [ChaosEnvironmentError] = []
            for await failure in group { if let failure { failures.append(failure) } }
            return failures
        }
        if let first = failures.first { throw first }
    }

    /// Keys under `prefix` on `endpoint`, fencing counters excluded (they never expire by design:
    /// tokens must only increase). Empty when the server does not answer.
    func lingeringKeys(on endpoint: Endpoint, prefix: String) -> [String] {
        var cursor = "0"
        var keys: [String] = []
        repeat {
            guard let reply = try? RedisProbe.command(["SCAN", cursor, "MATCH", Self.glob(prefix), "COUNT", "1000"], at: endpoint),
                  let parts = reply.elements, parts.count == 2, let next = parts[0].string, let batch = parts[1].elements else {
                return keys
            }
            keys += batch.compactMap(\.string).filter { !$0.hasSuffix(":fence") }
            cursor = next
        } while cursor != "0"
        return keys
    }

    /// Records a problem when any key under `prefix` is still on `endpoints` (a lock someone failed to
    /// release or that failed to expire), polling briefly for releases still on their way.
    func checkNoKeys(_ endpoints: [Endpoint], prefix: String, tally: inout RowTally) async {
        let left = await keysLeft(endpoints, prefix: prefix)
        if !left.isEmpty { tally.problems.append("keys left: \(left.prefix(3).joined(separator: ", "))") }
    }

    /// Escapes glob metacharacters so a prefix matches only itself, then matches everything under it.
    static func glob(_ prefix: String) -> String {
        var out = ""
        for ch in prefix {
            if "*?[]\\^".contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out + "*"
    }

    /// Sleeps, returning early (false) when the run is interrupted.
    @discardableResult
    func pause(ms: Int) async -> Bool {
        let end = LockClock.monotonicNanos() + UInt64(ms) * 1_000_000
        while LockClock.monotonicNanos() < end {
            if interrupted { return false }
            let left = end - LockClock.monotonicNanos()
            try? await Task.sleep(nanoseconds: min(left, 20_000_000))
        }
        return true
    }
}
