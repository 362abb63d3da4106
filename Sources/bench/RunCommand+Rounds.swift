import Foundation
import Harness
import LoadDriver
import RedisConnection
import Reports
import Stats

/// What `bench run` makes of its rounds: one row per client, and the paired ratios.
enum RoundSummary {
    /// Rounds needed before throughput and latency ratios are shown: fewer pairs cannot tell the
    /// client from who won each race.
    static let minimumPairedRounds = 3

    /// Per client, its median round by throughput: one row per client in the table and the outputs.
    static func medianRuns(_ rounds: [Round], clients: [RedisClientKind]) -> [RunResult] {
        let runs = rounds.flatMap(\.results)
        return clients.compactMap { kind in
            Statistics.medianElement(runs.filter { $0.scenario.client == kind }) { $0.measurements.acquisitionsPerSecond }
        }
    }

    /// Per complete round, the first client's run and the second's, once there are enough rounds.
    static func pairedRatios(_ rounds: [Round]) -> [(RunResult, RunResult)] {
        let pairs: [(RunResult, RunResult)] = rounds.filter(\.isComplete).compactMap { round in
            guard round.results.count == 2 else { return nil }
            let ordered = round.results.sorted { $0.scenario.client.rawValue > $1.scenario.client.rawValue }
            return (ordered[0], ordered[1])
        }
        return pairs.count >= minimumPairedRounds ? pairs : []
    }

    /// Median and range of each paired ratio, or `nil` without pairs.
    static func render(_ pairs: [(RunResult, RunResult)]) -> String? {
        guard let first = pairs.first else { return nil }
        let rows: [(String, (RunResult) -> Double?)] = [
            ("acquisitions/s", { $0.measurements.acquisitionsPerSecond }),
            ("acquire p50", { $0.measurements.acquire?.p50Us }),
            ("acquire p99", { $0.measurements.acquire?.p99Us }),
            ("client CPU/acquisition", { $0.measurements.cost.clientCPUPerAcquisitionUs }),
            ("client CPU/command sent", { $0.measurements.cost.clientCPUPerCommandUs }),
        ]
        let (a, b) = (first.0.scenario.client, first.1.scenario.client)
        var text = "\n\(a)/\(b) over \(pairs.count) interleaved rounds: the median of the per-round ratios, and their range\n"
        text += "(above 1: \(a) is higher, better for throughput, worse for latency and cost)\n"
        for (label, value) in rows {
            let values = pairs.compactMap { Statistics.ratio(value($0.0), value($0.1)) }
            guard let median = Statistics.median(values), let low = values.min(), let high = values.max() else { continue }
            text += "  \(label.padding(toLength: 24, withPad: " ", startingAt: 0)) \(format(median))  (\(format(low)) to \(format(high)))\n"
        }
        return text
    }

    static func format(_ ratio: Double) -> String { String(format: "%.2fx", ratio) }
}
