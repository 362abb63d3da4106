import Foundation
import Harness
import LoadDriver
import RedisConnection

/// Runs a plan scenario's `compare:` sides in interleaved rounds (A B, B A, A B, …) on the same
/// machine, each side on its own servers (embedded ones started with the side's `server-config`),
/// then judges each side's thresholds and the B/A ratio thresholds.
enum ABRunner {
    struct Outcome {
        var checks: [ThresholdCheck] = []
        var unmeasured: [ThresholdReport.Unmeasured] = []
        var results: [RunResult] = []
        var comparison: ABComparison?
    }

    /// Runs `planned`'s comparison; `main` is the plan's session, whose Ctrl-C stops the rounds.
    static func run(_ planned: PlanScenario, _ comparison: PlanComparison, main: HarnessSession, log: @escaping @Sendable (String) -> Void) async -> Outcome {
        var outcome = Outcome()
        var sessions: [HarnessSession] = []
        for side in comparison.sides {
            do {
                let servers = try await ServerSet.start(for: [side.scenario], serverConfig: side.serverConfig)
                if let fleet = servers.fleet {
                    let config = side.serverConfig.map { "\($0.name) \($0.value)" }.joined(separator: ", ")
                    log("\(planned.name): started \(side.label): \(fleet.count) redis-server \(fleet.redisVersion)" + (config.isEmpty ? "" : " with \(config)"))
                }
                sessions.append(try await HarnessSession.open(for: [], servers: servers, catchInterrupts: false))
            } catch {
                outcome.unmeasured.append(.init(scenario: planned.name, reason: "side \(side.label): \(error)"))
                for session in sessions { await session.close() }
                sessions = []
                return outcome
            }
        }
        main.forwardInterrupts(to: sessions)
        let runID = RunIdentity.makeRunID()
        var runs: [[RunResult?]] = [Array(repeating: nil, count: planned.repeats), Array(repeating: nil, count: planned.repeats)]
        var order: [[String]] = []
        rounds: for round in 0..<planned.repeats {
            let sides = ClientOrder.rotation(round: round, count: 2)
            var ran: [String] = []
            for s in sides {
                if main.interrupted { break rounds }
                let side = comparison.sides[s]
                log("\(planned.name): \(side.label), round \(round + 1) of \(planned.repeats)")
                do {
                    let result = try await sessions[s].run(side.scenario, runID: runID, keyPrefix: "lockbench:\(runID):\(round):\(s == 0 ? "a" : "b"):")
                    runs[s][round] = result
                    outcome.results.append(result)
                    ran.append(s == 0 ? "A" : "B")
                    if let error = result.error {
                        outcome.unmeasured.append(.init(scenario: planned.name, reason: "side \(side.label), round \(round + 1): \(error)"))
                        order.append(ran)
                        break rounds
                    }
                } catch {
                    outcome.unmeasured.append(.init(scenario: planned.name, reason: "side \(side.label): \(error)"))
                    if !ran.isEmpty { order.append(ran) }
                    break rounds
                }
            }
            order.append(ran)
        }
        for session in sessions { await session.close() }
        sessions = []
        guard !outcome.results.isEmpty else {
            if outcome.unmeasured.isEmpty { outcome.unmeasured.append(.init(scenario: planned.name, reason: "interrupted before its first run")) }
            return outcome
        }
        for (s, side) in comparison.sides.enumerated() {
            let mine = runs[s].compactMap { $0 }
            guard !mine.isEmpty else { continue }
            let client = "\(s == 0 ? "A" : "B") (\(side.label))"
            outcome.checks.append(ThresholdCheck.runCheck(runs: mine, scenario: planned.name, client: client))
            outcome.checks += planned.thresholds.map {
                ThresholdCheck.judge($0.expression, runs: mine, aggregate: $0.aggregate, scenario: planned.name, client: client)
            }
        }
        let ratios = comparison.metrics.map { metric in
            ABRatio.paired(metric: metric, a: runs[0].map { $0.flatMap { PlanMetrics.value(metric, in: $0) } },
                           b: runs[1].map { $0.flatMap { PlanMetrics.value(metric, in: $0) } })
        }
        outcome.comparison = ABComparison(scenario: planned.name, labels: comparison.sides.map(\.label), order: order, ratios: ratios)
        outcome.checks += comparison.thresholds.map { threshold in
            judge(threshold, ratios.first { $0.metric == threshold.metric }, scenario: planned.name)
        }
        return outcome
    }

    /// A ratio threshold on the median of the paired ratios; the interval is shown beside it.
    static func judge(_ threshold: RatioThreshold, _ ratio: ABRatio?, scenario: String) -> ThresholdCheck {
        var check = ThresholdCheck(scenario: scenario, client: "B/A", threshold: threshold.text, measured: "-", verdict: .fail)
        guard let ratio, let value = ratio.ratio else {
            check.detail = "no round had \(threshold.metric) on both sides"
            return check
        }
        let range = ratio.interval.map { ", 95% \(GateReport.number($0.lower))–\(GateReport.number($0.upper))" } ?? ""
        check.measured = "\(GateReport.number(value)) (median of \(ratio.pairs) paired ratios\(range))"
        check.verdict = threshold.comparison.holds(value, threshold.bound) ? .pass : .fail
        return check
    }
}
