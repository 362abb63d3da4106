import Benchmark
import HiredisClient
import LoadDriver
import Locks
import NativeClient
import RedisConnection
import RedisFleet
import Synchronization

/// Acquisitions per run: enough to leave warm-up behind, few enough that one run takes tens of ms.
let acquisitionsPerRun = 2_000

let server = Mutex<RedisFleet?>(nil)

/// 16 contenders on 16 keys, nothing held: each acquisition is granted at once, so the run measures
/// the driver and the client, not waiting.
func scenario(_ kind: RedisClientKind) -> Scenario {
    Scenario(
        client: kind, lock: LockSpec(algorithm: .setnxPX, wait: .spin, ttlMs: 10_000), contenders: 16, keys: 16,
        connections: 2, pipeline: 0, hold: .fixed(us: 0), think: .fixed(us: 0), mode: .closed, durationS: 30, warmupS: 0,
        requests: acquisitionsPerRun, seed: 1, queues: 2)
}

let benchmarks: @Sendable () -> Void = {
    // Each iteration connects, runs and tears down a whole LoadRun, so its malloc count moves a little
    // with how replies happen to batch: the thresholds are wider than the codec's, still far below
    // what one extra allocation per acquisition (+2,000) would add.
    Benchmark.defaultConfiguration = .init(
        metrics: [.instructions, .mallocCountTotal, .wallClock, .throughput],
        warmupIterations: 2, scalingFactor: .one, maxDuration: .seconds(5), maxIterations: 50,
        thresholds: [
            .instructions: .init(relative: [.p50: 10.0]),
            .mallocCountTotal: .init(relative: [.p50: 10.0]),
        ])

    Benchmark.setup = {
        let fleet = try await RedisFleet.start(count: 1)
        server.withLock { $0 = fleet }
    }
    Benchmark.teardown = {
        guard let fleet = server.withLock({ state -> RedisFleet? in defer { state = nil }; return state }) else { return }
        await fleet.stop()
    }

    for kind in RedisClientKind.allCases {
        Benchmark("LoadRun \(acquisitionsPerRun) acquisitions, 16 contenders, \(kind)") { benchmark in
            guard let fleet = server.withLock({ $0 }) else { preconditionFailure("setup did not run") }
            let connector: any RedisConnector = kind == .native ? NativeConnector() : HiredisConnector()
            for iteration in benchmark.scaledIterations {
                let run = LoadRun(
                    scenario: scenario(kind), connector: connector,
                    endpoints: fleet.endpoints, connectionOptions: ConnectionOptions(), keyPrefix: "lockbench:benchmark:\(kind):\(iteration):")
                do {
                    let outcome = try await run.run()
                    precondition(outcome.recorder.acquisitions >= acquisitionsPerRun / 2, "the run granted \(outcome.recorder.acquisitions)")
                } catch {
                    preconditionFailure("LoadRun failed: \(error)")
                }
            }
        }
    }
}
