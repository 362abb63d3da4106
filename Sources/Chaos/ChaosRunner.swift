import Foundation
import LoadDriver
import Locks
import Harness
import RedisConnection
import RedisFleet
import Reports
import Synchronization

/// What a chaos run produced.
public struct ChaosOutcome: Sendable {
    /// One row per scenario × variant × algorithm × client, in run order.
    public var rows: [SafetyRow] = []
    /// Rate, latency and validity per phase of the load scenarios (redlock-loss).
    public var phases: [PhaseSummary] = []
    /// Things the reader should know: skipped variants and why.
    public var notes: [String] = []
    /// Set when the environment kept the run from finishing (the rows before it are still valid).
    public var environmentError: ChaosEnvironmentError?
    /// Ctrl-C cut the run short.
    public var interrupted = false
    /// Every process the run started (servers, workers): all must be gone once it returns.
    public var processes: [TrackedProcess] = []
    /// The servers' version.
    public var redisVersion = "unknown"

    /// The rows whose predicted outcome did not happen.
    public var unconfirmed: [SafetyRow] { rows.filter { !$0.confirmed } }
}

/// Runs a `ChaosPlan`: starts the resource server, then every scenario for every client and
/// algorithm, each against servers of its own, and collects the safety rows.
public final class ChaosRunner: Sendable {
    public let plan: ChaosPlan
    private let log: @Sendable (String) -> Void
    private let current = Mutex<ChaosRun?>(nil)
    private let interruptedEarly = Atomic<Bool>(false)
    private let rows = Mutex<[SafetyRow]>([])

    /// Makes a runner; `log` receives one line per finished row (progress, for stderr).
    public init(plan: ChaosPlan, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.plan = plan
        self.log = log
    }

    /// Ctrl-C: finish the current trial, skip the rest, kill any worker. Callable from any thread.
    public func interrupt() {
        interruptedEarly.store(true, ordering: .relaxed)
        current.withLock { $0 }?.interrupt()
    }

    /// Runs the plan to the end (or to an environment error, or Ctrl-C).
    public func run() async -> ChaosOutcome {
        var outcome = ChaosOutcome()
        do throws(ChaosEnvironmentError) {
            try await withRun { run throws(ChaosEnvironmentError) in
                outcome.redisVersion = run.redisVersion
                defer {
                    outcome.phases = run.phases
                    outcome.notes = run.notes
                    outcome.interrupted = run.interrupted
                }
                for scenario in plan.scenarios where !run.interrupted {
                    try await runScenario(scenario, run)
                }
            } processes: { outcome.processes = $0 }
        } catch {
            outcome.environmentError = error
        }
        outcome.rows = rows.withLock { $0 }
        return outcome
    }

    /// Starts the resource server, runs `body` with the shared run state, and always stops the server;
    /// `processes` gets every process the run started, once they should all be gone.
    func withRun<R>(
        _ body: (ChaosRun) async throws(ChaosEnvironmentError) -> R, processes: ([TrackedProcess]) -> Void = { _ in }
    ) async throws(ChaosEnvironmentError) -> R {
        let resourceFleet: RedisFleet
        do {
            resourceFleet = try await RedisFleet.start(count: 1, options: RedisServerOptions(executable: plan.redisServer))
        } catch {
            throw ChaosEnvironmentError(.servers, "cannot start the resource server: \(error)")
        }
        let connection: any RedisConnection
        do {
            connection = try await ClientConnectors.connector(for: .native).connect(to: resourceFleet.endpoints[0])
        } catch {
            await resourceFleet.stop()
            throw ChaosEnvironmentError(.connect, "cannot connect to the resource server: \(error)")
        }
        let run = ChaosRun(plan: plan, resource: ResourceStore(connection: connection), resourceEndpoint: resourceFleet.endpoints[0],
                           prefix: "lockbench:chaos:\(RunIdentity.makeRunID()):", redisVersion: resourceFleet.redisVersion)
        run.track(resourceFleet.pid(0))
        current.withLock { $0 = run }
        if interruptedEarly.load(ordering: .relaxed) { run.interrupt() }
        let result: Result<R, ChaosEnvironmentError>
        do throws(ChaosEnvironmentError) {
            result = .success(try await body(run))
        } catch {
            result = .failure(error)
        }
        current.withLock { $0 = nil }
        connection.close()
        await resourceFleet.stop()
        processes(run.trackedProcesses)
        return try result.get()
    }

    private func runScenario(_ scenario: ChaosScenario, _ run: ChaosRun) async throws(ChaosEnvironmentError) {
        for client in plan.clients {
            // A store algorithm runs once, over lockbench's own store client (rows say `native`, as the
            // run CSV does): --client picks among Redis clients only.
            for algorithm in scenario.algorithms(filter: plan.algorithms) where algorithm.store == .redis || client == plan.clients[0] {
                if algorithm.store != .redis {
                    try await runStoreScenario(scenario, algorithm, run)
                    continue
                }
                switch scenario {
                case .leaderLoss, .memberPause:
                    continue
                case .clientPause:
                    try await emit(run) { () async throws(ChaosEnvironmentError) in try await run.clientPauseInProcess(algorithm, client) }
                    if let executable = plan.workerExecutable {
                        try await emit(run) { () async throws(ChaosEnvironmentError) in
                            try await run.clientPauseWorker(algorithm, client, executable: executable)
                        }
                    } else {
                        run.note("client-pause: the SIGSTOP worker variant needs the bench binary; it was skipped.")
                    }
                case .failover:
                    for variant in run.failoverVariants() {
                        try await emit(run) { () async throws(ChaosEnvironmentError) in try await run.failover(algorithm, client, variant) }
                    }
                case .redlockRestart:
                    for delayed in [false, true] {
                        try await emit(run) { () async throws(ChaosEnvironmentError) in try await run.redlockRestart(client, delayed: delayed) }
                    }
                case .redlockLoss:
                    for fault in [ChaosRun.NodeFault.killed, .paused] {
                        for k in 1...3 {
                            try await emit(run) { () async throws(ChaosEnvironmentError) in try await run.redlockLoss(client, down: k, fault: fault) }
                        }
                    }
                case .clockSkew:
                    for skew in ChaosRun.skewsMs {
                        try await emit(run) { () async throws(ChaosEnvironmentError) in try await run.clockSkew(algorithm, client, skewMs: skew) }
                    }
                case .network:
                    for fault in ChaosRun.NetworkFault.allCases {
                        try await emit(run) { () async throws(ChaosEnvironmentError) in try await run.network(algorithm, client, fault) }
                    }
                case .sentinelFailover:
                    guard plan.sentinel, RedisFleet.sentinelAvailable else {
                        run.note("sentinel-failover: skipped (\(plan.sentinel ? "redis-sentinel is not on PATH; Debian/Ubuntu: apt-get install redis-sentinel" : "Sentinel variants are off")).")
                        continue
                    }
                    for fault in ChaosRun.SentinelFault.allCases {
                        try await emit(run) { () async throws(ChaosEnvironmentError) in try await run.sentinelFailover(algorithm, client, fault) }
                    }
                case .clusterFailover:
                    for variant in ChaosRun.clusterFailoverVariants {
                        try await emit(run) { () async throws(ChaosEnvironmentError) in try await run.clusterFailover(algorithm, client, variant) }
                    }
                case .slotMigration:
                    try await emit(run) { () async throws(ChaosEnvironmentError) in try await run.slotMigration(algorithm, client) }
                }
            }
        }
    }

    /// The rows of a store algorithm: each faults an etcd cluster or ZooKeeper ensemble of its own.
    private func runStoreScenario(_ scenario: ChaosScenario, _ algorithm: LockAlgorithmKind, _ run: ChaosRun) async throws(ChaosEnvironmentError) {
        switch scenario {
        case .clientPause:
            for fenced in [false, true] {
                try await emit(run) { () async throws(ChaosEnvironmentError) in try await run.storePause(algorithm, fenced: fenced) }
            }
            run.note("client-pause on \(algorithm.store.displayName): in process only (suspending the holder's lane queue stops its \(algorithm.store == .etcd ? "lease keep-alive, which is scheduled on that queue" : "ZooKeeper pings, which the C client sends from that queue")); the SIGSTOP worker speaks Redis.")
        case .leaderLoss:
            try await emit(run) { () async throws(ChaosEnvironmentError) in try await run.storeQuorumFault(algorithm, .leaderKilled) }
        case .memberPause:
            for fault in [StoreMemberFault.followerPaused, .leaderPaused] {
                try await emit(run) { () async throws(ChaosEnvironmentError) in try await run.storeQuorumFault(algorithm, fault) }
            }
        default:
            return
        }
    }

    /// Runs one row (unless interrupted), keeps it and reports it.
    private func emit(_ run: ChaosRun, _ body: () async throws(ChaosEnvironmentError) -> SafetyRow) async throws(ChaosEnvironmentError) {
        guard !run.interrupted else { return }
        let row = try await body()
        // A row cut short by Ctrl-C (a worker killed mid-trial, a phase ended early) would report the
        // interruption as a finding: drop it.
        guard !run.interrupted else { return }
        rows.withLock { $0.append(row) }
        let mark = row.confirmed ? "confirmed" : "NOT confirmed"
        log("\(row.scenario) / \(row.variant) / \(row.algorithm) / \(row.client): \(mark): \(row.verdict)")
    }
}
