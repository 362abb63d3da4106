import BenchMetrics
import LoadDriver
import Locks
import RedisConnection
import Reports
import Sweep

/// Scenarios and finished runs, so grid tests need no binary and no server.
enum SweepFixtures {
    /// A scenario with these coordinates.
    static func scenario(client: RedisClientKind = .native, algorithm: LockAlgorithmKind = .setnxPX, wait: WaitStrategy.Kind = .backoff, contenders: Int = 10, keys: Int = 1) -> Scenario {
        Scenario(
            client: client, lock: LockSpec(algorithm: algorithm, wait: WaitStrategy(wait), ttlMs: 10_000),
            contenders: contenders, keys: keys, connections: 4, pipeline: 0, hold: .fixed(us: 1_000), think: .fixed(us: 0),
            mode: .closed, durationS: 3, warmupS: 1, requests: nil, seed: 1, queues: 2)
    }

    /// A finished run of `scenario` as the sweep would record it (a fleet endpoint, its own seed).
    static func result(_ scenario: Scenario, runID: String, partial: Bool = false, port: Int = 6400) -> RunResult {
        var s = scenario
        let endpoints = (0..<s.deployment.serverCount).map { Endpoint.tcp(host: "127.0.0.1", port: port + $0) }
        s.seed = UInt64(port) * 7919
        var raw = QueueRecorder(contenders: s.contenders, windowStartNanos: 0)
        raw.recordAcquired(contender: 0, latencyNanos: 50_000, attempts: 1, completedAtNanos: 1)
        let identity = RunIdentity(runID: runID, time: "2026-04-11T15:30:12Z", gitSHA: "abc1234", host: "bench-1", cores: 2,
                                   os: "Linux", swiftVersion: "6.3", redisVersion: "7.0.15")
        return RunResult(identity: identity, scenario: s, endpoints: endpoints, measurements: Measurements(raw: raw, windowS: 3), partial: partial,
                         partialReason: partial ? "interrupted by signal 2" : nil)
    }
}
