import Harness
import Locks
import RedisConnection

/// Everything that decides what `bench chaos` runs. Fault timings are fixed by each scenario (they
/// are part of what the scenario means), so the plan only chooses what runs and how often.
public struct ChaosPlan: Sendable, Hashable {
    /// Scenarios, run in this order.
    public var scenarios: [ChaosScenario]
    /// Only these algorithms (`nil`: each scenario's defaults).
    public var algorithms: [LockAlgorithmKind]?
    /// Clients, each scenario runs once per client.
    public var clients: [RedisClientKind]
    /// Times each fault is placed per row (trial-based scenarios); the load scenarios run once per row.
    public var trials: Int
    /// The `bench` binary to start as the SIGSTOPped worker (`nil`: that variant is skipped, with a note).
    public var workerExecutable: String?
    /// Run the Sentinel failover variant when `redis-sentinel` is on PATH.
    public var sentinel: Bool
    /// The redis-server to run (`nil`: the one on PATH).
    public var redisServer: String?

    /// Makes a plan; defaults: every Redis scenario, default algorithms, native client, 2 trials, Sentinel when present.
    public init(
        scenarios: [ChaosScenario] = ChaosScenario.defaultSet(algorithms: nil), algorithms: [LockAlgorithmKind]? = nil,
        clients: [RedisClientKind] = [.native], trials: Int = 2, workerExecutable: String? = nil,
        sentinel: Bool = true, redisServer: String? = nil
    ) {
        self.scenarios = scenarios
        self.algorithms = algorithms
        self.clients = clients
        self.trials = trials
        self.workerExecutable = workerExecutable
        self.sentinel = sentinel
        self.redisServer = redisServer
    }

    /// Checks the combination; the error says what to change.
    public func validate() throws(ChaosPlanError) {
        guard !scenarios.isEmpty else { throw ChaosPlanError("choose at least one scenario") }
        guard !clients.isEmpty else { throw ChaosPlanError("choose at least one client") }
        guard (1...20).contains(trials) else { throw ChaosPlanError("trials must be 1...20, not \(trials)") }
        for scenario in scenarios where scenario.algorithms(filter: algorithms).isEmpty {
            if let chosen = algorithms, chosen.allSatisfy({ $0.store != .redis }), !scenario.supportedAlgorithms.contains(where: { $0.store != .redis }) {
                let stores = ChaosScenario.allCases.filter { $0.supportedAlgorithms.contains { $0.store != .redis } }.map(\.rawValue).joined(separator: ", ")
                let kinds = LockStoreKind.allCases.filter { kind in chosen.contains { $0.store == kind } }.map(\.displayName).joined(separator: " and ")
                throw ChaosPlanError("scenario \(scenario) faults Redis deployments only, and \(chosen.map(\.rawValue).joined(separator: ", ")) run\(chosen.count == 1 ? "s" : "") on \(kinds): use --scenario \(stores), or a Redis algorithm")
            }
            let names = scenario.supportedAlgorithms.map(\.rawValue).joined(separator: ", ")
            throw ChaosPlanError("scenario \(scenario) runs none of the chosen algorithms; it supports \(names)")
        }
    }
}

/// A plan that cannot run: what to change.
public struct ChaosPlanError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong and what to use instead.
    public var reason: String

    public init(_ reason: String) { self.reason = reason }

    public var description: String { reason }
}
