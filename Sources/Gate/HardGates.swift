import Foundation
import Locks

/// One hard-gate check: a count against a bound, no statistics (a safety violation is never noise).
public struct HardCheck: Codable, Sendable, Hashable {
    /// Scenario name, or the input row's label.
    public var scenario: String
    public var client: String
    /// `completed`, `safety`, `error-rate` or `ttl-overruns`.
    public var check: String
    /// What was seen, e.g. `0 violations in 5 runs`.
    public var value: String
    /// The bound, e.g. `0` or `≤ 0.10%`.
    public var bound: String
    public var verdict: Verdict
    /// Why it failed, when it did.
    public var detail: String?

    public init(scenario: String, client: String, check: String, value: String, bound: String, verdict: Verdict, detail: String? = nil) {
        self.scenario = scenario
        self.client = client
        self.check = check
        self.value = value
        self.bound = bound
        self.verdict = verdict
        self.detail = detail
    }
}

/// The hard gates: any safety violation of a safe algorithm, a run that did not complete, errors or
/// Redlock TTL overruns above their bounds.
public enum HardGates {
    /// Checks every client's runs of one scenario together (counts summed over the rounds).
    public static func check(scenario: String, client: String, runs: [RunFigures], bounds: HardBounds) -> [HardCheck] {
        guard let first = runs.first else { return [] }
        var checks: [HardCheck] = []
        func add(_ check: String, _ value: String, _ bound: String, _ verdict: Verdict, _ detail: String? = nil) {
            checks.append(HardCheck(scenario: scenario, client: client, check: check, value: value, bound: bound, verdict: verdict, detail: detail))
        }
        let plural = runs.count == 1 ? "run" : "runs"

        let broken = runs.filter { $0.partial || $0.error != nil }
        add("completed", "\(runs.count - broken.count)/\(runs.count) \(plural)", "all", broken.isEmpty ? .pass : .fail,
            broken.first.map { "a run ended early: \($0.error ?? "partial")" })

        let events = runs.reduce(0) { $0 + $1.safetyEvents }
        if first.promisesSafety {
            let detail = events == 0 ? nil : safetyDetail(runs)
            add("safety", "\(events) violation\(events == 1 ? "" : "s")", "0", events == 0 ? .pass : .fail, detail)
        } else {
            let why = first.holdMaxUs == nil || LockAlgorithmKind(rawValue: first.algorithm)?.promisesExclusion != true
                ? "\(first.algorithm) is not safe by design" : "hold can outlast the TTL"
            add("safety", "\(events) (\(why))", "-", .skipped)
        }

        let errors = runs.reduce(0) { $0 + $1.errors + $1.failedAcquires }
        let attempts = runs.reduce(0) { $0 + $1.acquisitions + $1.failedAcquires }
        let rate = attempts > 0 ? Double(errors) / Double(attempts) : 0
        add("error-rate", "\(percent(rate)) (\(errors) of \(attempts))", "≤ \(percent(bounds.maxErrorRate))",
            rate <= bounds.maxErrorRate ? .pass : .fail)

        if first.algorithm == "redlock" {
            let overruns = runs.reduce(0) { $0 + ($1.ttlOverruns ?? 0) }
            let redlockAttempts = runs.reduce(0) { $0 + ($1.redlockAttempts ?? 0) }
            let overrunRate = redlockAttempts > 0 ? Double(overruns) / Double(redlockAttempts) : 0
            add("ttl-overruns", "\(percent(overrunRate)) (\(overruns) of \(redlockAttempts))", "≤ \(percent(bounds.maxOverrunRate))",
                overrunRate <= bounds.maxOverrunRate ? .pass : .fail)
        }
        return checks
    }

    /// Checks every scenario of a measurement, client by client.
    public static func check(_ samples: [ScenarioSamples], bounds: HardBounds) -> [HardCheck] {
        samples.flatMap { scenario in
            scenario.gateScenario.clients.map(\.rawValue).flatMap { client in
                check(scenario: scenario.name, client: client, runs: scenario.pairs.compactMap { $0.run(client) }, bounds: bounds)
            }
        }
    }

    static func safetyDetail(_ runs: [RunFigures]) -> String {
        let parts: [(String, Int)] = [
            ("mutual-exclusion violations", runs.reduce(0) { $0 + $1.mutexViolations }),
            ("double grants", runs.reduce(0) { $0 + $1.doubleGrants }),
            ("wrong-owner deletes", runs.reduce(0) { $0 + $1.wrongOwnerDeletes }),
            ("stale writes rejected", runs.reduce(0) { $0 + $1.staleWritesRejected }),
        ]
        return parts.filter { $0.1 > 0 }.map { "\($0.1) \($0.0)" }.joined(separator: ", ")
    }

    static func percent(_ x: Double) -> String {
        String(format: "%.2f%%", x * 100)
    }
}
