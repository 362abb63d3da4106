import BenchMetrics
import Foundation
import LoadDriver
import Locks
import RedisConnection
import Reports

/// Results built from recorders fed known events, so every figure a report prints is predictable.
enum Fixtures {
    static let identity = RunIdentity(
        runID: "20260411-153012-7f3a", time: "2026-04-11T15:30:12Z", gitSHA: "abc1234", host: "bench-1",
        cores: 2, os: "Ubuntu 24.04 LTS (Linux 6.8.0)", swiftVersion: "6.3", redisVersion: "7.0.15"
    )

    static func scenario(_ client: RedisClientKind, _ algorithm: LockAlgorithmKind = .setnxPX, wait: WaitStrategy.Kind = .backoff, open: Bool = false) -> Scenario {
        return Scenario(
            client: client, connection: ConnectionSettings(commandTimeoutMs: 1_000),
            lock: LockSpec(algorithm: algorithm, wait: WaitStrategy(wait, backoffBase: 1, backoffCap: 50), ttlMs: 1_000),
            contenders: 12, keys: 3, connections: 2, pipeline: 32, hold: .fixed(us: 2_000), think: .exponential(meanUs: 500),
            mode: open ? .open(rate: 1_000, arrivals: .poisson) : .closed, durationS: 10, warmupS: 2, requests: nil,
            seed: 42, queues: 2
        )
    }

    /// 12 contenders; contender c gets c grants (contender 0 starves), latency scaled by `speed`.
    static func recorder(speed: Double = 1, redlock: Bool = false, open: Bool = false) -> QueueRecorder {
        var r = QueueRecorder(contenders: 12, windowStartNanos: 1_000_000_000)
        var t: UInt64 = 1_000_000_000
        for c in 0..<12 {
            for g in 0..<c {
                t += 100_000_000
                let ns = UInt64(Double(20_000 + 1_000 * (c * 7 + g)) * speed)
                r.recordAcquired(contender: c, latencyNanos: ns, attempts: 1 + g % 3, completedAtNanos: t)
                if open { r.recordCorrectedAcquireLatency(nanos: ns * 2) }
                r.recordRelease(nanos: ns / 2)
                if g > 0 { r.recordHandoff(nanos: ns / 4) }
                if redlock {
                    r.recordRedlockAttempt(
                        elapsedNanos: ns * 10, ttlMs: 1_000, validityMs: 1_000 - Double(ns * 10) / 1e6 - 12, answered: 5,
                        quorumReached: true, overrun: false, splitVote: false
                    )
                }
            }
        }
        r.recordFailedAcquire(contender: 0, attempts: 40, completedAtNanos: t)
        r.recordError(kind: "transport connection reset", atNanos: t)
        if redlock {
            r.recordRedlockAttempt(elapsedNanos: 3_000_000, ttlMs: 1_000, validityMs: 985, answered: 4, quorumReached: false, overrun: false, splitVote: true)
        }
        return r
    }

    /// The embedded servers a fleet would have started: 5 masters for Redlock, else one.
    static func endpoints(_ algorithm: LockAlgorithmKind) -> [Endpoint] {
        (0..<(algorithm == .redlock ? 5 : 1)).map { .tcp(host: "127.0.0.1", port: 6400 + $0) }
    }

    static func result(
        _ client: RedisClientKind = .native, _ algorithm: LockAlgorithmKind = .setnxPX, speed: Double = 1,
        partial: Bool = false, error: String? = nil, open: Bool = false
    ) -> RunResult {
        let raw = recorder(speed: speed, redlock: algorithm == .redlock, open: open)
        let server = ServerStatsDelta(
            servers: 1, commands: ["set": .init(calls: 66, usec: 200), "evalsha": .init(calls: 66, usec: 400)],
            excludedCalls: 2, cpuSysS: 0.01, cpuUserS: 0.02, totalCommandsProcessed: 132
        )
        let process = ProcessCost(userCPUS: 0.05 * speed, systemCPUS: 0.05 * speed, wallS: 10, peakRSSBytes: 40 * 1_048_576, peakThreads: 5)
        return RunResult(
            identity: identity, scenario: scenario(client, algorithm, open: open), endpoints: endpoints(algorithm),
            measurements: Measurements(raw: raw, windowS: 10, server: server, client: process),
            partial: partial, partialReason: partial ? "interrupted (SIGINT)" : nil, error: error
        )
    }

    /// A fresh directory under /tmp, removed by the caller.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "lockbench-reports-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func read(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }
}
