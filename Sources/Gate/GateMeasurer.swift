import Foundation
import Harness
import LoadDriver
import RedisConnection
import Synchronization

/// What a gate job measures.
public struct GatePlan: Sendable {
    /// The scenarios, in order.
    public var scenarios: [GateScenario]
    /// Interleaved rounds per scenario.
    public var rounds: Int
    /// Whether each round runs every client (the relative gates need the reference client) or only
    /// the first (hard gates alone).
    public var withReference: Bool
    /// Added to the hold of the client under test (the first) only, µs: an artificial slowdown the
    /// gate must catch. The reference client runs unchanged, as an unchanged dependency would.
    public var injectDelayUs: Int
    /// Replaces each scenario's measurement window, seconds.
    public var durationS: Double?
    /// Replaces each scenario's warm-up, seconds.
    public var warmupS: Double?

    public init(
        scenarios: [GateScenario], rounds: Int, withReference: Bool, injectDelayUs: Int = 0,
        durationS: Double? = nil, warmupS: Double? = nil
    ) {
        self.scenarios = scenarios
        self.rounds = rounds
        self.withReference = withReference
        self.injectDelayUs = injectDelayUs
        self.durationS = durationS
        self.warmupS = warmupS
    }

    /// The scenario a client run executes: the gate's own windows and the injected delay, on servers
    /// the job starts.
    func runnable(_ gate: GateScenario, client: RedisClientKind) -> Scenario {
        var scenario = gate.scenario
        scenario.client = client
        scenario.deployment = .embedded(for: scenario.lock)
        if let durationS { scenario.durationS = durationS }
        if let warmupS { scenario.warmupS = warmupS }
        if injectDelayUs > 0, client == gate.clients.first { scenario.hold = scenario.hold.adding(us: injectDelayUs) }
        return scenario
    }
}

/// The gate could not measure: no redis-server, a server that would not start or answer.
/// Exit code 2, never a verdict on the code.
public struct GateEnvironmentError: Error, Sendable, CustomStringConvertible {
    /// What failed and what to do.
    public var description: String

    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}

/// Runs a plan through the harness: per scenario, a session with its own servers; per round, each
/// client back to back, the order reversed every other round (A B, B A, ...) so neither client always
/// runs first or on warmer servers.
public final class GateMeasurer: Sendable {
    /// The reference, in words, for files and tables.
    public static let referenceDescription =
        "the scenario's second client (hiredis) run right next to the first (native) in every round, same servers, order alternating (AB, BA, ...)"

    let plan: GatePlan
    let log: @Sendable (String) -> Void
    let current = Mutex<HarnessSession?>(nil)
    let stopped = Mutex<String?>(nil)
    let version = Mutex<String?>(nil)

    /// A measurer for `plan` that reports progress through `log` (one line per round).
    public init(plan: GatePlan, log: @escaping @Sendable (String) -> Void) {
        self.plan = plan
        self.log = log
    }

    /// Ends the current run early and skips the rest (Ctrl-C).
    public func interrupt(reason: String) {
        stopped.withLock { if $0 == nil { $0 = reason } }
        current.withLock { $0?.interrupt(reason: reason) }
    }

    /// Whether `interrupt` was called.
    public var interrupted: Bool { stopped.withLock { $0 != nil } }

    /// The servers' version, once one has started.
    public var redisVersion: String? { version.withLock { $0 } }

    /// Measures every scenario of the plan; rounds are tagged with `job`.
    public func measure(job: Int = 1) async throws(GateEnvironmentError) -> [ScenarioSamples] {
        var all: [ScenarioSamples] = []
        for gate in plan.scenarios {
            if interrupted { break }
            all.append(try await measure(gate, job: job))
        }
        return all
    }

    func measure(_ gate: GateScenario, job: Int) async throws(GateEnvironmentError) -> ScenarioSamples {
        let clients = Array(gate.clients.prefix(plan.withReference ? gate.clients.count : 1))
        let scenarios = clients.map { plan.runnable(gate, client: $0) }
        let session: HarnessSession
        do { session = try await HarnessSession.open(for: scenarios, catchInterrupts: false) } catch {
            throw GateEnvironmentError("\(gate.name): \(error)")
        }
        version.withLock { $0 = session.servers.redisVersion }
        current.withLock { $0 = session }
        if let reason = stopped.withLock({ $0 }) { session.interrupt(reason: reason) }
        let runID = RunIdentity.makeRunID()
        let (name, rounds, log) = (gate.name, plan.rounds, self.log)
        let outcome = await session.rounds(
            clients: clients, rounds: plan.rounds, runID: runID, prefix: "lockbench:gate:\(runID):",
            scenario: { [plan] kind in plan.runnable(gate, client: kind) },
            finished: { round in
                guard round.results.count == round.order.count else { return }
                log(Self.describe(name, Self.pair(round, job: job), of: rounds))
            })
        current.withLock { $0 = nil }
        let interruptedNow = session.interrupted
        await session.close()
        if let error = outcome.error { throw GateEnvironmentError("\(gate.name): \(error)") }
        // A round cut short by Ctrl-C is the user's doing, not the code's: it is not a sample.
        let pairs = outcome.rounds
            .filter { $0.results.count == $0.order.count && !(interruptedNow && $0.results.contains(where: \.partial)) }
            .map { Self.pair($0, job: job) }
        return ScenarioSamples(gateScenario: gate, pairs: pairs)
    }

    static func pair(_ round: Round, job: Int) -> GatePair {
        GatePair(job: job, round: round.index + 1, order: round.order.map(\.rawValue), runs: round.results.map(RunFigures.init))
    }

    static func describe(_ name: String, _ pair: GatePair, of rounds: Int) -> String {
        let parts = pair.runs.map { run in
            "\(run.client) \(Int(run.acquisitionsPerSecond)) acq/s p50 \(Int(run.acquireP50Us ?? 0)) µs p99 \(Int(run.acquireP99Us ?? 0)) µs"
                + (run.jain.map { String(format: " jain %.3f", $0) } ?? "")
        }
        return "\(name) job \(pair.job) round \(pair.round)/\(rounds): " + parts.joined(separator: " | ")
    }
}
