import Foundation
import Harness
import LoadDriver
import RedisConnection
import Reports

/// What `bench run` makes of its rounds: one row per client, and the paired ratios.
enum RoundSummary {
    /// Rounds needed before throughput and latency ratios are shown: fewer pairs cannot tell the
    /// client from who won each race.
    static let minimumPairedRounds = 3

    /// Per client, its median round by throughput: one row per client in the table and the outputs.
    static func medianRuns(_ rounds: [Round], clients: [RedisClientKind]) -> [RunResult] {
        let runs = rounds.flatMap(\.results)
        return clients.compactMap { kind in
            let sorted = runs.filter { $0.scenario.client == kind }
                .sorted { $0.measurements.acquisitionsPerSecond < $1.measurements.acquisitionsPerSecond }
            return sorted.isEmpty ? nil : sorted[sorted.count / 2]
        }
    }

    /// The first client over the second, per complete round, once there are enough rounds.
    static func pairedRatios(_ rounds: [Round]) -> [ClientRatio] {
        let pairs: [ClientRatio] = rounds.filter(\.isComplete).compactMap { round in
            guard round.results.count == 2 else { return nil }
            let ordered = round.results.sorted { $0.scenario.client.rawValue > $1.scenario.client.rawValue }
            return ClientRatio(ordered[0], over: ordered[1])
        }
        return pairs.count >= minimumPairedRounds ? pairs : []
    }

    /// Median and range of each paired ratio, or `nil` without pairs.
    static func render(_ pairs: [ClientRatio]) -> String? {
        guard let first = pairs.first else { return nil }
        let rows: [(String, (ClientRatio) -> Double?)] = [
            ("acquisitions/s", \.acquisitionsPerSecond), ("acquire p50", \.acquireP50), ("acquire p99", \.acquireP99),
            ("client CPU/acquisition", \.clientCPUPerAcquisition),
        ]
        var text = "\(first.numerator)/\(first.denominator) over \(pairs.count) interleaved rounds (median of the paired ratios, and their range):\n"
        for (label, value) in rows {
            let values = pairs.compactMap(value)
            guard let median = Statistics.median(values), let low = values.min(), let high = values.max() else { continue }
            text += "  \(label.padding(toLength: 24, withPad: " ", startingAt: 0)) \(format(median)) (\(format(low)) to \(format(high)))\n"
        }
        return text
    }

    static func format(_ ratio: Double) -> String { String(format: "%.2fx", ratio) }
}
