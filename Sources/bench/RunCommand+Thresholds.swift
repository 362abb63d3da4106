import ArgumentParser
import Gate
import Harness
import LoadDriver
import RedisConnection

/// `bench run --threshold`: the plan's thresholds on one run, judged per client over its rounds.
extension RunCommand {
    static func parseThresholds(_ texts: [String]) throws -> [ThresholdExpression] {
        try texts.map { text in
            do { return try ThresholdExpression(parsing: text) } catch { throw ValidationError("--threshold \(error)") }
        }
    }

    /// Prints each threshold's verdict per client; returns whether one failed.
    func judgeThresholds(_ rounds: [Round], clients: [RedisClientKind]) -> Bool {
        guard !expressions.isEmpty else { return false }
        let runs = rounds.flatMap(\.results)
        let checks = clients.flatMap { kind in
            let mine = runs.filter { $0.scenario.client == kind }
            return expressions.map { ThresholdCheck.judge($0, runs: mine, aggregate: .median, scenario: "run", client: kind.rawValue) }
        }
        let report = ThresholdReport(context: ["\nThresholds (each client's median over its \(rounds.count) round\(rounds.count == 1 ? "" : "s"))"], checks: checks)
        print(report.text(), terminator: "")
        return report.exitStatus != 0
    }
}
