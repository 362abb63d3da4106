import Foundation
import LoadDriver
import Reports

extension GateBaseline {
    /// Pools several jobs' rounds by scenario (rounds keep their job number).
    public static func pool(_ jobs: [[ScenarioSamples]]) -> [ScenarioSamples] {
        var pooled: [ScenarioSamples] = []
        for job in jobs {
            for samples in job {
                if let index = pooled.firstIndex(where: { $0.name == samples.name }) {
                    pooled[index].pairs += samples.pairs
                } else {
                    pooled.append(samples)
                }
            }
        }
        return pooled
    }

    /// A baseline from pooled rounds. With two or more jobs the thresholds come from their A/A spread;
    /// with one, they are carried over from `previous` (or the fallback) and the file says so.
    /// `reference` and `subjects` say what the metrics are relative to (default: the built-in gate's).
    public static func make(
        pooled: [ScenarioSamples], identity: RunIdentity, command: String, pairs: Int, bootstrap: BootstrapSettings,
        bounds: HardBounds, previous: GateBaseline?, reference: String = GateMeasurer.referenceDescription,
        subjects: (@Sendable (ScenarioSamples, GateMetric) -> [String])? = nil
    ) -> GateBaseline {
        let jobs = Set(pooled.flatMap { $0.pairs.map(\.job) }).count
        var aa: AASpread?
        var rule: String
        var thresholds: [String: [String: Double]] = [:]
        if jobs >= 2 {
            let analysis = AAAnalysis.analyse(pooled, bootstrap: bootstrap, subjects: subjects)
            aa = analysis.spread
            thresholds = analysis.thresholds
            rule = AAAnalysis.rule
        } else {
            for scenario in previous?.scenarios ?? [] { thresholds[scenario.name] = scenario.thresholds }
            rule = previous.map { "carried over from the previous baseline (\($0.identity.time)): \($0.thresholdRule)" }
                ?? "fallback \(Int(fallbackThreshold * 100))% (measured as one job: no A/A spread to size thresholds from)"
        }
        let scenarios = pooled.map { samples in
            var chosen = thresholds[samples.name] ?? [:]
            for metric in GateMetric.allCases where chosen[metric.rawValue] == nil { chosen[metric.rawValue] = fallbackThreshold }
            return BaselineScenario(samples: samples, thresholds: chosen)
        }
        return GateBaseline(
            identity: identity, build: buildConfiguration, command: command, reference: reference,
            pairs: pairs, bootstrap: bootstrap, bounds: bounds, thresholdRule: rule, aa: aa, scenarios: scenarios)
    }
}

extension AASpread {
    /// The A/A table printed by `--update-baseline` (and quoted in Results/README.md).
    public func text() -> String {
        let header = ["scenario", "client", "metric", "job medians", "max A/A dev", "raw max dev", "round p10-p90", "false alarms"]
        let rows = entries.map { e in
            [
                e.scenario, e.client, e.metric, e.jobMedians.map { GateReport.number($0) }.joined(separator: " "),
                Self.percent(e.maxJobDeviation), Self.percent(e.rawMaxJobDeviation), Self.percent(e.roundSpread),
                "\(e.falseAlarms)/\(e.comparisons)",
            ]
        }
        var lines = ["A/A spread: \(jobs) jobs × \(pairsPerJob) rounds of the same build, job against job"]
        lines += PlainTable.render(header: header, rows: rows)
        return lines.joined(separator: "\n") + "\n"
    }

    static func percent(_ x: Double) -> String {
        x.isFinite ? String(format: "%.1f%%", x * 100) : "-"
    }
}
