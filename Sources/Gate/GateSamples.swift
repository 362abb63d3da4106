import Calibration
import LoadDriver
import RedisConnection
import Reports

/// A scenario the gate runs, under a short stable name that baselines and results are matched by.
public struct GateScenario: Codable, Sendable, Hashable {
    /// Short name, e.g. `contended`.
    public var name: String
    /// What each run does (`client` is set per run; its deployment is embedded: each job starts its own servers).
    public var scenario: Scenario
    /// The clients measured, in the order of the first round. The first is the client under test,
    /// the second the reference its throughput and latency are divided by.
    public var clients: [RedisClientKind]

    /// Whether the C reference client runs beside the clients: the scenario is the cycle it
    /// implements (`CReferenceCycle.mismatch`), so native ÷ c-reference is gated too.
    public var hasCReference: Bool { CReferenceCycle.mismatch(scenario) == nil }

    /// A scenario under `name` for `clients`.
    public init(name: String, scenario: Scenario, clients: [RedisClientKind]) {
        self.name = name
        self.scenario = scenario
        self.clients = clients
    }
}

/// One interleaved round: every client once, back to back on the same servers.
public struct GatePair: Codable, Sendable, Hashable {
    /// The job (a separate start of the servers and the measurement) this round belongs to, from 1.
    public var job: Int
    /// The round within the job, from 1.
    public var round: Int
    /// The order the runs went in, e.g. `["hiredis", "native"]`.
    public var order: [String]
    /// One entry per client.
    public var runs: [RunFigures]

    public init(job: Int, round: Int, order: [String], runs: [RunFigures]) {
        self.job = job
        self.round = round
        self.order = order
        self.runs = runs
    }

    /// The run of `client`, if it ran.
    public func run(_ client: String) -> RunFigures? { runs.first { $0.client == client } }
}

/// Every round measured for one scenario.
public struct ScenarioSamples: Codable, Sendable, Hashable {
    public var gateScenario: GateScenario
    /// Its rounds, in the order they ran.
    public var pairs: [GatePair]

    /// Rounds for a scenario.
    public init(gateScenario: GateScenario, pairs: [GatePair]) {
        self.gateScenario = gateScenario
        self.pairs = pairs
    }

    /// The scenario's name.
    public var name: String { gateScenario.name }

    /// What `metric` is reported for: `native/hiredis` for a client ratio (none with one client), and
    /// `native/c-reference` where the C reference runs; each client for Jain.
    public func subjects(_ metric: GateMetric) -> [String] {
        let clients = gateScenario.clients.map(\.rawValue)
        guard metric.isClientRatio else { return clients }
        guard let first = clients.first else { return [] }
        return (clients.count >= 2 ? ["\(first)/\(clients[1])"] : [])
            + (gateScenario.hasCReference ? ["\(first)/\(CReferenceCycle.name)"] : [])
    }

    /// `metric` for `subject` (from `subjects`), one value per round that has one: the client's figure
    /// over the reference client's in the same round, or a client's own.
    public func values(_ metric: GateMetric, subject: String) -> [Double] {
        let names = subject.split(separator: "/").map(String.init)
        return pairs.compactMap { pair in
            guard let numerator = pair.run(names[0]).flatMap({ metric.rawValue($0) }) else { return nil }
            guard names.count == 2 else { return numerator }
            return GateMetric.ratio(numerator, pair.run(names[1]).flatMap { metric.rawValue($0) })
        }
    }

    /// The subject's numerator as measured, without the reference client (what dividing saves).
    public func rawValues(_ metric: GateMetric, subject: String) -> [Double] {
        let client = String(subject.split(separator: "/").first ?? "")
        return pairs.compactMap { pair in pair.run(client).flatMap { metric.rawValue($0) } }
    }

    /// Whether every round ran every client, which the client ratios need.
    public var hasReference: Bool {
        !pairs.isEmpty && pairs.allSatisfy { pair in gateScenario.clients.allSatisfy { pair.run($0.rawValue) != nil } }
    }
}

/// What one `bench gate` job measured (`--save FILE` writes it, `--current FILE` reads it back).
public struct GateMeasurement: Codable, Sendable {
    /// `lockbench-gate-measurement/1`.
    public var format: String
    /// Where, when and from which code.
    public var identity: RunIdentity
    /// `release` or `debug`: ratios from the two differ several-fold, so they are never compared.
    public var build: String
    /// The command line that measured it.
    public var command: String
    /// An artificial hold added to the client under test's runs, µs (0 for a real measurement).
    public var injectedDelayUs: Int
    /// An artificial busy-wait per acquisition in the driver, every client, µs (`nil`: none).
    public var injectedSharedDelayUs: Int?
    /// The scenarios and their rounds.
    public var scenarios: [ScenarioSamples]

    /// This format's name.
    public static let formatName = "lockbench-gate-measurement/1"

    public init(
        identity: RunIdentity, build: String, command: String, injectedDelayUs: Int, injectedSharedDelayUs: Int? = nil,
        scenarios: [ScenarioSamples]
    ) {
        format = Self.formatName
        self.identity = identity
        self.build = build
        self.command = command
        self.injectedDelayUs = injectedDelayUs
        self.injectedSharedDelayUs = injectedSharedDelayUs
        self.scenarios = scenarios
    }
}

/// How this binary was compiled: a debug harness is several times slower per acquisition, and a
/// baseline from one build type says nothing about the other.
public let buildConfiguration: String = {
    #if DEBUG
    return "debug"
    #else
    return "release"
    #endif
}()
