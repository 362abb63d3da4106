import Harness
import LoadDriver
import Locks
import RedisConnection

/// A load run going on while a scenario breaks servers under it: the same driver `bench run` measures
/// with, started through the harness, kept going through faults (`Scenario.reconnect`) and logging
/// every acquisition's end.
struct ChaosLoad: Sendable {
    let session: HarnessSession
    let live: LiveRun

    /// The run, for live queries (`waitForGrant`).
    var run: LoadRun { live.load }

    /// Ends the load (its window closes now; holders release), and returns what it saw.
    func finish() async throws(ChaosEnvironmentError) -> DriverOutcome {
        let result = await live.finish(reason: "chaos scenario done")
        await session.close()
        switch result {
        case .success(let outcome): return outcome
        case .failure(let error):
            let servers = live.endpoints.map(\.description).joined(separator: ", ")
            throw ChaosEnvironmentError(.connect, "the load run on \(servers) did not start: \(error)")
        }
    }
}

extension ChaosRun {
    /// Events kept per lane: a chaos load lasts seconds, at most a few thousand acquisitions a second.
    static let loadEventCapacity = 500_000

    /// The scenario of a chaos load: a few contenders in closed loop on a few keys of `endpoints` (servers
    /// the scenario started and breaks; with `cluster`, seeds of a cluster; for a store algorithm, its
    /// etcd or ZooKeeper members), each on a connection of its
    /// own, reconnecting after faults, until the experiment ends it.
    static func loadScenario(
        spec: LockSpec, client: RedisClientKind, endpoints: [Endpoint], cluster: Bool = false, contenders: Int, keys: Int, holdMs: Int,
        acquireTimeoutMs: Int, commandTimeoutMs: Int
    ) -> Scenario {
        let deployment: Deployment
        switch spec.algorithm.store {
        case .etcd: deployment = .etcd(.external(endpoints))
        case .zookeeper: deployment = .zookeeper(.external(endpoints))
        case .redis:
            deployment = cluster ? .cluster(.external(seeds: endpoints))
                : spec.algorithm == .redlock ? .redlock(.external(endpoints)) : .standalone(.external(endpoints))
        }
        var scenario = Scenario(
            client: client, deployment: deployment,
            connection: ConnectionSettings(commandTimeoutMs: commandTimeoutMs, connectTimeoutMs: 300),
            lock: spec, contenders: contenders, keys: keys, connections: contenders, pipeline: 0,
            hold: .fixed(us: holdMs * 1_000), think: .fixed(us: 0), mode: .closed,
            // The window outlasts any experiment: the scenario ends it with `finish`.
            durationS: 3_600, warmupS: 0, requests: nil, seed: 100, queues: 2,
            acquireTimeoutMs: acquireTimeoutMs, replyWaitUs: 0)
        scenario.reconnect = ReconnectPolicy()
        scenario.eventLogCapacity = loadEventCapacity
        return scenario
    }

    /// Starts `scenario` in the background through the harness. Keys are left for the scenario to
    /// check; its fleet goes with them.
    func startLoad(_ scenario: Scenario, keyPrefix: String) async throws(ChaosEnvironmentError) -> ChaosLoad {
        do throws(HarnessError) {
            let session = try await HarnessSession.open(for: [scenario], catchInterrupts: false)
            do throws(HarnessError) {
                return ChaosLoad(session: session, live: try await session.start(scenario, keyPrefix: keyPrefix))
            } catch {
                await session.close()
                throw error
            }
        } catch {
            throw ChaosEnvironmentError(.connect, "cannot start the load: \(error)")
        }
    }

    /// Waits for a grant after `instant` (see `LoadRun.waitForGrant`), giving up on Ctrl-C.
    func grant(in load: ChaosLoad, after instant: UInt64, boundMs: Int = 5_000) async -> UInt64? {
        await load.run.waitForGrant(after: instant, boundMs: boundMs) { [self] in interrupted }
    }
}
