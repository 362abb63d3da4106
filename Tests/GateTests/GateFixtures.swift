import TestSupport
import BenchMetrics
import Foundation
import Gate
import LoadDriver
import Locks
import RedisConnection
import Reports

/// Synthetic samples, figures and files: every gate verdict is tested without measuring anything.
enum GateFixtures {
    static let identity = RunIdentity(
        runID: "20261126-120000-0001", time: "2026-11-26T12:00:00Z", gitSHA: "abc1234", host: "bench-1",
        cores: 2, os: "Debian GNU/Linux 12 (Linux 6.1)", swiftVersion: "6.3", redisVersion: "7.0.15")

    /// `n` draws of a log-normal around `median` with log-sd `sigma`: skewed and positive, like the
    /// figures of a noisy machine.
    static func logNormal(_ n: Int, median: Double, sigma: Double, rng: inout SplitMix64) -> [Double] {
        (0..<n).map { _ in
            // Box-Muller from two uniforms in (0, 1].
            let u1 = Double(rng.next() >> 11 + 1) / Double(1 << 53)
            let u2 = Double(rng.next() >> 11) / Double(1 << 53)
            let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            return median * exp(sigma * z)
        }
    }

    static let scenario = GateScenario(
        name: "contended",
        scenario: Scenario(
            client: .native, lock: LockSpec(algorithm: .setnxPX, wait: .backoff(), ttlMs: 10_000),
            contenders: 10, keys: 2, connections: 1, pipeline: 0, hold: .fixed(us: 1_000), think: .fixed(us: 0), mode: .closed,
            durationS: 1, warmupS: 0.5, requests: nil, seed: 1, queues: 1),
        clients: [.native, .hiredis])

    /// A safe run with no event of note.
    static func figures(
        client: String = "native",
        rate: Double = 10_000, p50: Double = 100, p99: Double = 1_000, jain: Double = 0.95, algorithm: String = "setnx-px",
        holdUs: Int? = 1_000, violations: Int = 0, errors: Int = 0, overruns: Int? = nil
    ) -> RunFigures {
        RunFigures(
            client: client, algorithm: algorithm, holdMaxUs: holdUs, ttlMs: 10_000, acquisitions: Int(rate),
            acquisitionsPerSecond: rate, acquireP50Us: p50, acquireP99Us: p99, jain: jain, errors: errors,
            mutexViolations: violations, redlockAttempts: overruns == nil ? nil : Int(rate), ttlOverruns: overruns)
    }

    /// Rounds whose native/hiredis throughput is `throughput[i]` (hiredis fixed at 10,000 acquisitions/s).
    static func samples(throughput: [Double], job: Int = 1, violations: Int = 0) -> ScenarioSamples {
        let pairs = throughput.enumerated().map { index, value in
            GatePair(
                job: job, round: index + 1, order: ["native", "hiredis"],
                runs: [
                    figures(rate: value * 10_000, p50: 100, p99: 1_000, violations: violations),
                    figures(client: "hiredis", rate: 10_000, p50: 100, p99: 1_000),
                ])
        }
        return ScenarioSamples(gateScenario: scenario, pairs: pairs)
    }

    static func baseline(_ samples: ScenarioSamples, threshold: Double = 0.2) -> GateBaseline {
        let thresholds = Dictionary(uniqueKeysWithValues: GateMetric.allCases.map { ($0.rawValue, threshold) })
        return GateBaseline(
            identity: identity, build: buildConfiguration, command: "test", reference: "synthetic", pairs: samples.pairs.count,
            bootstrap: BootstrapSettings(), bounds: HardBounds(), thresholdRule: "test", aa: nil,
            scenarios: [BaselineScenario(samples: samples, thresholds: thresholds)])
    }

    static func measurement(_ samples: ScenarioSamples, build: String = buildConfiguration) -> GateMeasurement {
        GateMeasurement(identity: identity, build: build, command: "test", injectedDelayUs: 0, scenarios: [samples])
    }

    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "lockbench-gate-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
