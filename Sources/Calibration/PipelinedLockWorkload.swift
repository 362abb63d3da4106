import LoadDriver
import Locks
import RedisConnection

/// W1: every contender on its own key, `setnx-px` acquire + release with no hold or think, many
/// contenders over a few connections: what the harness sustains when the server is the bottleneck.
public enum PipelinedLockWorkload {
    /// Runs W1 with `connector` and returns lock cycles per second over the window.
    public static func run(
        connector: any RedisConnector, endpoint: Endpoint, contenders: Int, connections: Int,
        durationS: Double, keyPrefix: String
    ) async throws -> Double {
        let scenario = Scenario(
            client: connector.kind, lock: LockSpec(algorithm: .setnxPX, wait: WaitSpec(kind: .spin), ttlMs: 10_000),
            contenders: contenders, keys: contenders, connections: connections, pipeline: 0,
            hold: .fixed(us: 0), think: .fixed(us: 0), mode: .closed, durationS: durationS, warmupS: 1,
            requests: nil, servers: [endpoint.description], embeddedServers: false, db: 0, user: nil, seed: 7,
            queues: 2, commandTimeoutMs: 5_000)
        let run = LoadRun(scenario: scenario, connector: connector, endpoints: [endpoint],
                          connectionOptions: ConnectionOptions(commandTimeoutMs: 5_000), keyPrefix: keyPrefix)
        let outcome = try await run.run()
        return outcome.windowSeconds > 0 ? Double(outcome.recorder.acquisitions) / outcome.windowSeconds : 0
    }
}
