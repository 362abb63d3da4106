import LoadDriver
import Locks
import RedisConnection

/// W1: every contender on its own key, `setnx-px` acquire + release with no hold or think, many
/// contenders over a few connections: what the harness sustains when the server is the bottleneck.
public enum PipelinedLockWorkload {
    /// Runs W1 with `connector`: lock cycles per second over the window and the client CPU each cost.
    /// `pipeline` caps acquisitions in flight per connection (0: no cap), as `--pipeline` does.
    public static func run(
        connector: any RedisConnector, endpoint: Endpoint, contenders: Int, connections: Int, pipeline: Int = 0,
        durationS: Double, keyPrefix: String
    ) async throws -> DriverCycles {
        let scenario = Scenario(
            client: connector.kind, lock: LockSpec(algorithm: .setnxPX, wait: .spin, ttlMs: 10_000),
            contenders: contenders, keys: contenders, connections: connections, pipeline: pipeline,
            hold: .fixed(us: 0), think: .fixed(us: 0), mode: .closed, durationS: durationS, warmupS: 1,
            requests: nil, servers: [endpoint.description], embeddedServers: false, db: 0, user: nil, seed: 7,
            queues: 2, commandTimeoutMs: 5_000)
        let run = LoadRun(scenario: scenario, connector: connector, endpoints: [endpoint],
                          connectionOptions: ConnectionOptions(commandTimeoutMs: 5_000), keyPrefix: keyPrefix)
        return DriverCycles(outcome: try await run.run())
    }
}

/// One contender on one connection through the load driver, as `bench run --contenders 1
/// --connections 1 --wait spin --hold 0` runs it: acquire latency with nothing queued behind it.
public enum SingleContenderWorkload {
    /// Runs it and returns the acquire p50 over the window, µs.
    public static func acquireP50(connector: any RedisConnector, endpoint: Endpoint, durationS: Double, keyPrefix: String) async throws -> Double {
        let scenario = Scenario(
            client: connector.kind, lock: LockSpec(algorithm: .setnxPX, wait: .spin, ttlMs: 10_000),
            contenders: 1, keys: 1, connections: 1, pipeline: 0,
            hold: .fixed(us: 0), think: .fixed(us: 0), mode: .closed, durationS: durationS, warmupS: 1,
            requests: nil, servers: [endpoint.description], embeddedServers: false, db: 0, user: nil, seed: 7,
            queues: 2, commandTimeoutMs: 5_000)
        let run = LoadRun(scenario: scenario, connector: connector, endpoints: [endpoint],
                          connectionOptions: ConnectionOptions(commandTimeoutMs: 5_000), keyPrefix: keyPrefix)
        let outcome = try await run.run()
        let histogram = outcome.recorder.latency(.acquire)
        return histogram.count > 0 ? Double(histogram.value(atPercentile: 50)) / 1_000 : .nan
    }
}
