import Foundation
import Harness
import LoadDriver
import Stats

/// How a threshold is judged over a scenario's repeats.
public enum Aggregate: String, Sendable, Hashable, CaseIterable, Codable {
    /// Each side's median over the repeats (a noisy repeat neither fails nor saves the gate).
    case median
    /// Every repeat on its own: one repeat past the bound fails (for counts that must stay 0).
    case every
}

/// One threshold judged on one scenario's runs of one client: what was measured and the verdict.
public struct ThresholdCheck: Sendable, Hashable, Codable {
    public var scenario: String
    public var client: String
    /// The threshold as written, or the built-in run check's name.
    public var threshold: String
    /// What was measured, e.g. `41234` or `1200, 1500, 1800 (every repeat)`.
    public var measured: String
    public var verdict: Verdict
    /// Why it failed, when it did.
    public var detail: String?

    /// The name of the built-in check every run gets (`RunChecks`: completed, safe, errors in bounds).
    public static let runCheckName = "run completed, safe, errors within bound"

    /// Judges `expression` over `runs` (one client's repeats). A side with no value in a run (an
    /// empty CSV cell, a division by zero) fails: a gate that cannot see its metric must not pass.
    public static func judge(
        _ expression: ThresholdExpression, runs: [RunResult], aggregate: Aggregate, scenario: String, client: String
    ) -> ThresholdCheck {
        func side(_ term: ThresholdTerm, _ run: RunResult) -> Double? { term.value { PlanMetrics.value($0, in: run) } }
        var check = ThresholdCheck(scenario: scenario, client: client, threshold: expression.text, measured: "-", verdict: .fail)
        let missing = "no value: \(expression.metrics.joined(separator: ", ")) empty or a division by zero (the metric does not apply to this scenario, or nothing was measured)"
        guard !runs.isEmpty else {
            check.detail = "no run was measured"
            return check
        }
        switch aggregate {
        case .median:
            let lefts = runs.compactMap { side(expression.left, $0) }
            let rights = runs.compactMap { side(expression.right, $0) }
            guard let l = Statistics.median(lefts), let r = Statistics.median(rights) else {
                check.detail = missing
                return check
            }
            check.measured = describe(expression, l, r) + (runs.count > 1 ? " (median of \(lefts.count))" : "")
            check.verdict = expression.comparison.holds(l, r) ? .pass : .fail
        case .every:
            var shown: [String] = []
            var failed: [Int] = []
            for (i, run) in runs.enumerated() {
                guard let l = side(expression.left, run), let r = side(expression.right, run) else {
                    shown.append("-")
                    failed.append(i + 1)
                    continue
                }
                shown.append(describe(expression, l, r))
                if !expression.comparison.holds(l, r) { failed.append(i + 1) }
            }
            check.measured = shown.joined(separator: ", ") + (runs.count > 1 ? " (every repeat)" : "")
            check.verdict = failed.isEmpty ? .pass : .fail
            if !failed.isEmpty, shown.contains("-") { check.detail = missing }
        }
        return check
    }

    /// `RunChecks` over every run, as a check of its own so a plan cannot pass on a run that failed.
    public static func runCheck(runs: [RunResult], scenario: String, client: String) -> ThresholdCheck {
        let failures = runs.enumerated().compactMap { i, run in RunChecks.failure(run).map { "repeat \(i + 1): \($0)" } }
        return ThresholdCheck(
            scenario: scenario, client: client, threshold: runCheckName,
            measured: failures.isEmpty ? "\(runs.count) of \(runs.count) ok" : "\(runs.count - failures.count) of \(runs.count) ok",
            verdict: failures.isEmpty ? .pass : .fail, detail: failures.isEmpty ? nil : failures.joined(separator: "; "))
    }

    /// The left side's value, and the right side's when it is not a plain number.
    static func describe(_ expression: ThresholdExpression, _ left: Double, _ right: Double) -> String {
        expression.right.isConstant ? number(left) : "\(number(left)) vs \(number(right))"
    }

    /// Counts stay whole (`0`, not `0.00e+00`: a safety count reads as a count); other figures get
    /// three significant digits.
    static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : GateReport.number(x)
    }
}
