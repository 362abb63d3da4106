import Calibration
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
    /// Whether the C reference client runs too, in the scenarios whose cycle it implements (not needed
    /// for the hard gates alone).
    public var withCReference: Bool
    /// Added to the hold of the client under test (the first) only, µs: an artificial slowdown the
    /// gate must catch. The reference client runs unchanged, as an unchanged dependency would.
    public var injectDelayUs: Int
    /// A busy-wait per acquisition in the driver, for every client, µs (`Scenario.sharedPathDelayUs`):
    /// a slowdown in the shared path, which native ÷ hiredis cancels and native ÷ C reference shows.
    public var injectSharedDelayUs: Int
    /// Replaces each scenario's measurement window, seconds.
    public var durationS: Double?
    /// Replaces each scenario's warm-up, seconds.
    public var warmupS: Double?

    public init(
        scenarios: [GateScenario], rounds: Int, withReference: Bool, withCReference: Bool = true, injectDelayUs: Int = 0,
        injectSharedDelayUs: Int = 0, durationS: Double? = nil, warmupS: Double? = nil
    ) {
        self.scenarios = scenarios
        self.rounds = rounds
        self.withReference = withReference
        self.withCReference = withCReference
        self.injectDelayUs = injectDelayUs
        self.injectSharedDelayUs = injectSharedDelayUs
        self.durationS = durationS
        self.warmupS = warmupS
    }

    /// The scenario as the gate measures it, before any injected delay: its own windows, on servers
    /// the job starts. The C reference runs this.
    func measured(_ gate: GateScenario) -> Scenario {
        var scenario = gate.scenario
        scenario.deployment = .embedded(for: scenario.lock)
        if let durationS { scenario.durationS = durationS }
        if let warmupS { scenario.warmupS = warmupS }
        return scenario
    }

    /// The scenario a client run executes: `measured` with the injected delays.
    func runnable(_ gate: GateScenario, client: RedisClientKind) -> Scenario {
        var scenario = measured(gate)
        scenario.client = client
        if injectDelayUs > 0, client == gate.clients.first { scenario.hold = scenario.hold.adding(us: injectDelayUs) }
        if injectSharedDelayUs > 0 { scenario.sharedPathDelayUs = injectSharedDelayUs }
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
/// client back to back (and the C reference where the scenario is its cycle), the order rotated every
/// round so no subject always runs first or on warmer servers.
public final class GateMeasurer: Sendable {
    /// The reference, in words, for files and tables.
    public static let referenceDescription =
        "the scenario's second client (hiredis) run right next to the first (native) in every round, same servers, order rotating; "
        + "where the scenario is setnx-px, spin, hold 0, also a C hiredis client running the identical lock cycle (c-reference), "
        + "which shares no Swift code, so a slowdown in a layer both Swift clients share shows as native/c-reference"

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
        let subjects = clients.map(GateSubject.client) + (plan.withReference && plan.withCReference && gate.hasCReference ? [.cReference] : [])
        let session: HarnessSession
        let endpoint: Endpoint
        do {
            session = try await HarnessSession.open(for: clients.map { plan.runnable(gate, client: $0) }, catchInterrupts: false)
            endpoint = try session.servers.endpoints(for: plan.measured(gate).deployment)[0]
        } catch {
            throw GateEnvironmentError("\(gate.name): \(error)")
        }
        version.withLock { $0 = session.servers.redisVersion }
        current.withLock { $0 = session }
        if let reason = stopped.withLock({ $0 }) { session.interrupt(reason: reason) }
        let runID = RunIdentity.makeRunID()
        var pairs: [GatePair] = []
        var failure: String?
        for index in 0..<plan.rounds where !session.interrupted && failure == nil {
            let order = ClientOrder.rotation(round: index, count: subjects.count).map { subjects[$0] }
            var runs: [RunFigures] = []
            for subject in order where !session.interrupted {
                let prefix = "lockbench:gate:\(runID):\(index):\(subject.name):"
                do {
                    switch subject {
                    case .client(let kind):
                        let result = try await session.run(plan.runnable(gate, client: kind), runID: runID, keyPrefix: prefix)
                        runs.append(RunFigures(result))
                    case .cReference:
                        let scenario = plan.measured(gate)
                        let cycle = try await CReferenceCycle.measure(scenario, endpoint: endpoint, keyPrefix: prefix)
                        runs.append(RunFigures(cReference: cycle, scenario: scenario))
                    }
                } catch {
                    failure = "\(error)"
                    break
                }
                // A run a dead server ended: later runs would measure a broken deployment.
                if runs.last?.error != nil { break }
            }
            let pair = GatePair(job: job, round: index + 1, order: order.map(\.name), runs: runs)
            if runs.count == order.count { log(Self.describe(gate.name, pair, of: plan.rounds)) }
            if !runs.isEmpty { pairs.append(pair) }
            if runs.last?.error != nil { break }
        }
        current.withLock { $0 = nil }
        let interruptedNow = session.interrupted
        await session.close()
        if let failure { throw GateEnvironmentError("\(gate.name): \(failure)") }
        // A round cut short by Ctrl-C is the user's doing, not the code's: it is not a sample.
        return ScenarioSamples(gateScenario: gate, pairs: pairs.filter { pair in
            pair.runs.count == pair.order.count && !(interruptedNow && pair.runs.contains(where: \.partial))
        })
    }

    static func describe(_ name: String, _ pair: GatePair, of rounds: Int) -> String {
        let parts = pair.runs.map { run in
            "\(run.client) \(Int(run.acquisitionsPerSecond)) acq/s p50 \(Int(run.acquireP50Us ?? 0)) µs p99 \(Int(run.acquireP99Us ?? 0)) µs"
                + (run.jain.map { String(format: " jain %.3f", $0) } ?? "")
        }
        return "\(name) job \(pair.job) round \(pair.round)/\(rounds): " + parts.joined(separator: " | ")
    }
}

/// What a gate round runs: a Swift client through the harness, or the C reference client.
enum GateSubject: Sendable {
    case client(RedisClientKind)
    case cReference

    var name: String {
        switch self {
        case .client(let kind): return kind.rawValue
        case .cReference: return CReferenceCycle.name
        }
    }
}

extension RunFigures {
    /// The figures of a C reference run, under the name `c-reference` (never hard-gated: it is not a
    /// client under test).
    init(cReference c: CReferenceCycle, scenario: Scenario) {
        self.init(
            client: CReferenceCycle.name, algorithm: scenario.lock.algorithm.rawValue, holdMaxUs: 0, ttlMs: scenario.lock.ttlMs,
            acquisitions: c.acquisitions, acquisitionsPerSecond: c.cyclesPerSecond, acquireP50Us: c.acquireP50Us,
            acquireP99Us: c.acquireP99Us, jain: nil, errors: c.errors)
    }
}
