import Harness
import LoadDriver

/// A plan scenario against its own baseline (`baseline:`): each metric of each client as measured
/// (absolute: the user's target has no second client to divide by), plus native ÷ hiredis in the same
/// round where the scenario runs both, each held to the threshold its A/A spread gave.
public enum PlanRegression {
    /// The reference, in the words every report and baseline file states.
    public static let reference = "none (absolute): each client's own figures against the baseline's, thresholds from the A/A spread; "
        + "native/hiredis in the same round too where a scenario runs both clients"

    /// What `metric` is of in a plan: each client, and the first over the second client where there are two.
    @Sendable public static func subjects(_ samples: ScenarioSamples, _ metric: GateMetric) -> [String] {
        let clients = samples.gateScenario.clients.map(\.rawValue)
        guard metric.isClientRatio, clients.count >= 2 else { return clients }
        return clients + ["\(clients[0])/\(clients[1])"]
    }

    /// The rounds of one scenario as the gate's samples (one job).
    public static func samples(_ planned: PlanScenario, rounds: [Round], job: Int = 1) -> ScenarioSamples {
        ScenarioSamples(
            gateScenario: GateScenario(name: planned.name, scenario: planned.scenario, clients: planned.clients),
            pairs: rounds.map { GatePair(job: job, round: $0.index + 1, order: $0.order.map(\.rawValue), runs: $0.results.map(RunFigures.init)) })
    }

    /// Each comparison with the baseline as a check: fails only when the whole bootstrap interval of
    /// current ÷ baseline lies past the threshold on the bad side.
    public static func checks(baseline: GateBaseline, scenario: BaselineScenario, current: ScenarioSamples) -> [ThresholdCheck] {
        RelativeGates.compare(baseline: scenario, current: current, bootstrap: baseline.bootstrap, subjects: subjects).map { row in
            let within = "within \(Int((row.threshold * 100).rounded()))% of the baseline"
            var check = ThresholdCheck(
                scenario: row.scenario, client: row.client, threshold: "\(row.metric.rawValue) \(within)", measured: "-",
                verdict: row.verdict == .improved ? .pass : row.verdict, detail: row.note)
            if let ratio = row.ratio, let interval = row.interval {
                check.measured = "now/baseline \(GateReport.number(ratio)) (\(GateReport.number(interval.lower))–\(GateReport.number(interval.upper))), \(row.currentRounds) vs \(row.baselineRounds) rounds"
                    + (row.verdict == .improved ? ", improved" : "")
            }
            if check.verdict == .fail, check.detail == nil {
                check.detail = "the whole interval is past the threshold: a regression (re-measure with --update-baseline if it is intended)"
            }
            return check
        }
    }
}
