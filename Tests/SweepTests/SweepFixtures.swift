import BenchMetrics
import LoadDriver
import Locks
import RedisConnection
import Reports
import Sweep

/// Scenarios and a stand-in for `bench run`'s validation, so grid tests need no binary and no server.
enum SweepFixtures {
    /// A scenario with these coordinates.
    static func scenario(client: RedisClientKind = .native, algorithm: LockAlgorithmKind = .setnxPX, wait: WaitStrategy.Kind = .backoff, contenders: Int = 10, keys: Int = 1) -> Scenario {
        Scenario(
            client: client, lock: LockSpec(algorithm: algorithm, wait: WaitStrategy(wait), ttlMs: 10_000),
            contenders: contenders, keys: keys, connections: 4, pipeline: 0, hold: .fixed(us: 1_000), think: .fixed(us: 0),
            mode: .closed, durationS: 3, warmupS: 1, requests: nil, servers: [], embeddedServers: true, db: 0, user: nil,
            seed: 1, queues: 2, commandTimeoutMs: 5_000)
    }

    struct Refused: Error, CustomStringConvertible {
        var description: String
    }

    /// Reads `--flag value` pairs the way `bench run` would, with its rules for the combinations the
    /// tests exercise: known algorithms and clients, redlock without fifo, keys ≤ contenders.
    static func validate(_ arguments: [String]) throws -> CellPlan {
        var flags: [String: String] = [:]
        for argument in arguments {
            let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { flags[parts[0]] = parts[1] }
        }
        guard let client = RedisClientKind(rawValue: flags["--client"] ?? "native") else {
            throw Refused(description: "--client '\(flags["--client"]!)' is invalid: use native, hiredis or both.")
        }
        guard let algorithm = LockAlgorithmKind(rawValue: flags["--algorithm"] ?? "setnx-px") else {
            throw Refused(description: "--algorithm '\(flags["--algorithm"]!)' is invalid: use one of setnx-px, redlock.")
        }
        let wait = WaitStrategy.Kind(rawValue: flags["--wait"] ?? "backoff") ?? .backoff
        if algorithm == .redlock && wait == .fifo { throw Refused(description: "--wait 'fifo' is invalid: redlock supports spin, fixed, backoff.") }
        guard let contenders = Int(flags["--contenders"] ?? "400") else {
            throw Refused(description: "The value '\(flags["--contenders"]!)' is invalid for '--contenders <n>'")
        }
        let keys = Int(flags["--keys"] ?? "40") ?? 40
        guard keys <= contenders else { throw Refused(description: "--keys '\(keys)' is invalid: use 1...--contenders (\(contenders)).") }
        let s = scenario(client: client, algorithm: algorithm, wait: wait, contenders: contenders, keys: keys)
        return CellPlan(scenario: s, connection: ConnectionOptions(), endpoints: [], embeddedCount: algorithm == .redlock ? 5 : 1)
    }

    /// A finished run of `scenario` as the sweep would record it (a fleet endpoint, its own seed).
    static func result(_ scenario: Scenario, runID: String, partial: Bool = false, port: Int = 6400) -> RunResult {
        var s = scenario
        s.servers = (0..<(s.lock.algorithm == .redlock ? 5 : 1)).map { "127.0.0.1:\(port + $0)" }
        s.seed = UInt64(port) * 7919
        var raw = QueueRecorder(contenders: s.contenders, windowStartNanos: 0)
        raw.recordAcquired(contender: 0, latencyNanos: 50_000, attempts: 1, completedAtNanos: 1)
        let identity = RunIdentity(runID: runID, time: "2026-04-11T15:30:12Z", gitSHA: "abc1234", host: "bench-1", cores: 2,
                                   os: "Linux", swiftVersion: "6.3", redisVersion: "7.0.15")
        return RunResult(identity: identity, scenario: s, measurements: Measurements(raw: raw, windowS: 3), partial: partial,
                         partialReason: partial ? "interrupted by signal 2" : nil)
    }
}
