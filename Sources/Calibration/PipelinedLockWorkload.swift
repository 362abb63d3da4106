import Harness
import LoadDriver
import Locks
import RedisConnection

/// W1: every contender on its own key, `setnx-px` acquire + release with no hold or think, many
/// contenders over a few connections: what the harness sustains when the server is the bottleneck.
public enum PipelinedLockWorkload {
    /// Runs W1 on `client`: lock cycles per second over the window and the client CPU each cost.
    /// `pipeline` caps acquisitions in flight per connection (0: no cap), as `--pipeline` does.
    public static func run(
        client: RedisClientKind, endpoint: Endpoint, contenders: Int, connections: Int, pipeline: Int = 0,
        durationS: Double, keyPrefix: String, tls: TLSOptions? = nil
    ) async throws(HarnessError) -> DriverCycles {
        let result = try await DriverWorkload.run(
            client: client, endpoint: endpoint, contenders: contenders, connections: connections, pipeline: pipeline,
            durationS: durationS, keyPrefix: keyPrefix, tls: tls)
        return DriverCycles(measurements: result.measurements)
    }

    /// The same workload run by the C reference client (`CReferenceCycle`): the like-for-like anchor.
    public static func cReference(
        endpoint: Endpoint, contenders: Int, connections: Int, pipeline: Int = 0, durationS: Double, keyPrefix: String
    ) async throws(CReferenceError) -> CReferenceCycle {
        let scenario = DriverWorkload.scenario(
            client: .native, endpoint: endpoint, contenders: contenders, connections: connections, pipeline: pipeline, durationS: durationS)
        return try await CReferenceCycle.measure(scenario, endpoint: endpoint, keyPrefix: keyPrefix)
    }
}

/// One contender on one connection through the load driver, as `bench run --contenders 1
/// --connections 1 --wait spin --hold 0` runs it: acquire latency with nothing queued behind it.
public enum SingleContenderWorkload {
    /// Runs it and returns the acquire p50 over the window, µs.
    public static func acquireP50(
        client: RedisClientKind, endpoint: Endpoint, durationS: Double, keyPrefix: String, tls: TLSOptions? = nil
    ) async throws(HarnessError) -> Double {
        let result = try await DriverWorkload.run(
            client: client, endpoint: endpoint, contenders: 1, connections: 1, durationS: durationS, keyPrefix: keyPrefix, tls: tls)
        return result.measurements.acquire?.p50Us ?? .nan
    }
}

/// The driver workloads' shared shape: spin-wait `setnx-px`, one key per contender, no hold, on a
/// server calibrate started, run through the harness like any scenario.
enum DriverWorkload {
    static func run(
        client: RedisClientKind, endpoint: Endpoint, contenders: Int, connections: Int, pipeline: Int = 0, durationS: Double,
        keyPrefix: String, tls: TLSOptions? = nil
    ) async throws(HarnessError) -> RunResult {
        var scenario = scenario(
            client: client, endpoint: endpoint, contenders: contenders, connections: connections, pipeline: pipeline, durationS: durationS)
        scenario.connection.tls = tls
        let session = try await HarnessSession.open(for: [scenario], catchInterrupts: false)
        let result: Result<RunResult, HarnessError>
        do { result = .success(try await session.run(scenario, runID: RunIdentity.makeRunID(), keyPrefix: keyPrefix)) } catch {
            result = .failure(error)
        }
        await session.close()
        return try result.get()
    }

    static func scenario(client: RedisClientKind, endpoint: Endpoint, contenders: Int, connections: Int, pipeline: Int, durationS: Double) -> Scenario {
        Scenario(
            client: client, deployment: .standalone(.external([endpoint])), lock: LockSpec(algorithm: .setnxPX, wait: .spin, ttlMs: 10_000),
            contenders: contenders, keys: contenders, connections: connections, pipeline: pipeline,
            hold: .fixed(us: 0), think: .fixed(us: 0), mode: .closed, durationS: durationS, warmupS: 1,
            requests: nil, seed: 7, queues: 2)
    }
}
