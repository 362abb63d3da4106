import LoadDriver
import Locks
import RedisConnection

/// A load run going on while a scenario breaks servers under it: the same driver `bench run` measures
/// with, kept going through faults (`Scenario.reconnect`) and logging every acquisition's end.
struct ChaosLoad: Sendable {
    /// The run, for live queries (`waitForGrant`).
    let run: LoadRun
    let task: Task<Result<DriverOutcome, DriverError>, Never>

    /// Ends the load (its window closes now; holders release), and returns what it saw.
    func finish() async throws(ChaosEnvironmentError) -> DriverOutcome {
        run.interrupt(reason: "chaos scenario done")
        switch await task.value {
        case .success(let outcome): return outcome
        case .failure(let error):
            throw ChaosEnvironmentError(.connect, "the load run on \(run.scenario.servers.joined(separator: ", ")) did not start: \(error)")
        }
    }
}

extension ChaosRun {
    /// Events kept per lane: a chaos load lasts seconds, at most a few thousand acquisitions a second.
    static let loadEventCapacity = 500_000

    /// The scenario of a chaos load: a few contenders in closed loop on a few keys of `endpoints`, each on
    /// a connection of its own, reconnecting after faults, until the experiment ends it.
    static func loadScenario(
        spec: LockSpec, client: RedisClientKind, endpoints: [Endpoint], contenders: Int, keys: Int, holdMs: Int,
        acquireTimeoutMs: Int, commandTimeoutMs: Int
    ) -> Scenario {
        var scenario = Scenario(
            client: client, lock: spec, contenders: contenders, keys: keys, connections: contenders, pipeline: 0,
            hold: .fixed(us: holdMs * 1_000), think: .fixed(us: 0), mode: .closed,
            // The window outlasts any experiment: the scenario ends it with `finish`.
            durationS: 3_600, warmupS: 0, requests: nil,
            servers: endpoints.map(\.description), embeddedServers: true, db: 0, user: nil, seed: 100,
            queues: 2, commandTimeoutMs: commandTimeoutMs, acquireTimeoutMs: acquireTimeoutMs)
        scenario.replyWaitUs = 0
        scenario.reconnect = ReconnectPolicy()
        scenario.eventLogCapacity = loadEventCapacity
        return scenario
    }

    /// Starts `scenario` on `endpoints` in the background: the one place chaos turns a scenario into a
    /// load run (and picks the connector for its client). Keys are left for the scenario to check.
    func startLoad(_ scenario: Scenario, endpoints: [Endpoint], keyPrefix: String) -> ChaosLoad {
        let options = ConnectionOptions(connectTimeoutMs: 300, commandTimeoutMs: scenario.commandTimeoutMs)
        let run = LoadRun(scenario: scenario, connector: LockSessions.connector(scenario.client), endpoints: endpoints,
                          connectionOptions: options, keyPrefix: keyPrefix, deletesKeys: false)
        let task = Task { () -> Result<DriverOutcome, DriverError> in
            do throws(DriverError) { return .success(try await run.run()) } catch { return .failure(error) }
        }
        return ChaosLoad(run: run, task: task)
    }

    /// Waits for a grant after `instant` (see `LoadRun.waitForGrant`), giving up on Ctrl-C.
    func grant(in load: ChaosLoad, after instant: UInt64, boundMs: Int = 5_000) async -> UInt64? {
        await load.run.waitForGrant(after: instant, boundMs: boundMs) { [self] in interrupted }
    }
}
