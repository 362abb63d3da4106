import BenchMetrics
import Foundation
import HiredisClient
import LoadDriver
import NativeClient
import RedisConnection
import RedisFleet
import Reports
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

    /// A plan with the given parts.
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

    /// The scenario a client run executes: the gate's own windows, the injected delay, this job's servers.
    func runnable(_ gate: GateScenario, client: RedisClientKind, servers: [Endpoint]) -> Scenario {
        var scenario = gate.scenario
        scenario.client = client
        scenario.servers = servers.map(\.description)
        scenario.embeddedServers = true
        if let durationS { scenario.durationS = durationS }
        if let warmupS { scenario.warmupS = warmupS }
        if injectDelayUs > 0, client.rawValue == gate.clients.first { scenario.hold = scenario.hold.adding(us: injectDelayUs) }
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

/// Runs a plan: per scenario, its own servers; per round, each client back to back, the order
/// reversed every other round (A B, B A, ...) so neither client always runs first or on warmer servers.
public final class GateMeasurer: Sendable {
    /// The reference, in words, for files and tables.
    public static let referenceDescription =
        "the scenario's second client (hiredis) run right next to the first (native) in every round, same servers, order alternating (AB, BA, ...)"

    let plan: GatePlan
    let log: @Sendable (String) -> Void
    let current = Mutex<LoadRun?>(nil)
    let stopped = Mutex(false)
    let version = Mutex<String?>(nil)

    /// A measurer for `plan` that reports progress through `log` (one line per round).
    public init(plan: GatePlan, log: @escaping @Sendable (String) -> Void) {
        self.plan = plan
        self.log = log
    }

    /// Ends the current run early and skips the rest (Ctrl-C).
    public func interrupt(reason: String) {
        stopped.withLock { $0 = true }
        current.withLock { $0?.interrupt(reason: reason) }
    }

    /// Whether `interrupt` was called.
    public var interrupted: Bool { stopped.withLock { $0 } }

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
        let lock = gate.scenario.lock
        let count = lock.algorithm == .redlock ? lock.redlock.nodes : 1
        let fleet: RedisFleet
        do { fleet = try await RedisFleet.start(count: count) } catch {
            throw GateEnvironmentError("cannot start \(count) redis-server: \(error)")
        }
        version.withLock { $0 = fleet.redisVersion }
        do {
            let samples = try await rounds(gate, job: job, fleet: fleet)
            await fleet.stop()
            return samples
        } catch {
            await fleet.stop()
            throw error
        }
    }

    func rounds(_ gate: GateScenario, job: Int, fleet: RedisFleet) async throws(GateEnvironmentError) -> ScenarioSamples {
        let clients = try gate.clients.prefix(plan.withReference ? gate.clients.count : 1).map { name throws(GateEnvironmentError) -> RedisClientKind in
            guard let kind = RedisClientKind(rawValue: name) else { throw GateEnvironmentError("unknown client '\(name)' in scenario \(gate.name)") }
            return kind
        }
        let runID = RunIdentity.makeRunID()
        var pairs: [GatePair] = []
        for round in 0..<plan.rounds {
            if interrupted { break }
            let steps = round % 2 == 0 ? clients : clients.reversed()
            var runs: [RunFigures] = []
            for kind in steps {
                if interrupted { break }
                let prefix = "lockbench:gate:\(runID):\(round):\(kind):"
                runs.append(try await clientRun(gate, client: kind, endpoints: fleet.endpoints, prefix: prefix))
            }
            if interrupted { break }
            let pair = GatePair(job: job, round: round + 1, order: steps.map(\.rawValue), runs: runs)
            log(Self.describe(gate.name, pair, of: plan.rounds))
            pairs.append(pair)
        }
        return ScenarioSamples(gateScenario: gate, pairs: pairs)
    }

    func clientRun(_ gate: GateScenario, client: RedisClientKind, endpoints: [Endpoint], prefix: String) async throws(GateEnvironmentError) -> RunFigures {
        let scenario = plan.runnable(gate, client: client, servers: endpoints)
        let connector: any RedisConnector = client == .native ? NativeConnector() : HiredisConnector()
        let options = ConnectionOptions(connectTimeoutMs: 3_000, commandTimeoutMs: scenario.commandTimeoutMs, credentials: nil, database: scenario.db)
        let run = LoadRun(scenario: scenario, connector: connector, endpoints: endpoints, connectionOptions: options, keyPrefix: prefix)
        current.withLock { $0 = run }
        defer { current.withLock { $0 = nil } }
        do {
            let measured = try await run.run()
            let measurements = Measurements(raw: measured.recorder, windowS: measured.windowSeconds)
            // Ctrl-C makes a run partial too; that is the user's doing, not the code's, and the caller
            // stops before gating on it.
            return RunFigures(scenario: scenario, measurements: measurements, partial: measured.partial, error: measured.fatalError)
        } catch {
            throw GateEnvironmentError("\(gate.name) on \(client): \(error)")
        }
    }

    static func describe(_ name: String, _ pair: GatePair, of rounds: Int) -> String {
        let parts = pair.runs.map { run in
            "\(run.client) \(Int(run.acquisitionsPerSecond)) acq/s p50 \(Int(run.acquireP50Us ?? 0)) µs p99 \(Int(run.acquireP99Us ?? 0)) µs"
                + (run.jain.map { String(format: " jain %.3f", $0) } ?? "")
        }
        return "\(name) job \(pair.job) round \(pair.round)/\(rounds): " + parts.joined(separator: " | ")
    }
}
