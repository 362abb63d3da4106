import Foundation
import Locks
import Stats

/// What an A/B scenario measured: the order each round ran its sides in, and per metric the paired
/// ratio B/A with its bootstrap interval and the side it calls slower.
public struct ABComparison: Sendable, Hashable, Codable {
    public var scenario: String
    /// Side labels, A then B.
    public var labels: [String]
    /// Each round's order as labels, e.g. `[A, B]`, `[B, A]`, …
    public var order: [[String]]
    public var ratios: [ABRatio]

    /// The lines the report prints: the pairing, then one line per metric.
    public var lines: [String] {
        let rounds = order.map { $0.joined(separator: " ") }.joined(separator: ", ")
        var lines = ["\(scenario): A/B in \(order.count) interleaved rounds (\(rounds)); A = \(labels[0]), B = \(labels[1]); ratio = B/A, median of the paired ratios (95% bootstrap interval)"]
        for ratio in ratios { lines.append("  \(scenario): \(ratio.line(labels: labels))") }
        return lines
    }
}

/// One metric's B/A ratio over paired rounds.
public struct ABRatio: Sendable, Hashable, Codable {
    /// Which side a ratio shows as the worse one.
    public enum Slower: String, Sendable, Hashable, Codable {
        case a, b
        /// The interval spans 1: the rounds cannot tell the sides apart.
        case neither
    }

    public var metric: String
    /// Median of the per-round ratios B/A; `nil` when no round had a value on both sides.
    public var ratio: Double?
    public var interval: Interval?
    /// Rounds in which both sides had a value.
    public var pairs: Int
    public var slower: Slower

    /// Pairs round i of A with round i of B (same machine state, adjacent in time) and bootstraps the
    /// median of their ratios: pairing cancels the drift of a noisy runner that two pooled samples keep.
    public static func paired(metric: String, a: [Double?], b: [Double?], bootstrap: BootstrapSettings = BootstrapSettings()) -> ABRatio {
        let ratios = zip(a, b).compactMap { x, y -> Double? in
            guard let x, let y, x != 0 else { return nil }
            let r = y / x
            return r.isFinite ? r : nil
        }
        guard let median = Statistics.median(ratios) else { return ABRatio(metric: metric, ratio: nil, interval: nil, pairs: 0, slower: .neither) }
        var generator = SplitMix64(seed: bootstrap.seed)
        var medians: [Double] = []
        var scratch = ratios
        for _ in 0..<max(bootstrap.resamples, 1) {
            for i in scratch.indices { scratch[i] = ratios[Int(generator.next() % UInt64(ratios.count))] }
            if let m = Statistics.median(scratch) { medians.append(m) }
        }
        medians.sort()
        let tail = (1 - bootstrap.confidence) / 2 * 100
        let interval = Statistics.percentile(sorted: medians, tail).flatMap { lower in
            Statistics.percentile(sorted: medians, 100 - tail).map { Interval(lower: lower, upper: $0) }
        }
        var slower = Slower.neither
        if let interval, !interval.contains(1) {
            // B/A above 1 on a latency is B slower; above 1 on a throughput is A slower.
            slower = (interval.lower > 1) == PlanComparison.higherIsBetter(metric) ? .a : .b
        }
        return ABRatio(metric: metric, ratio: median, interval: interval, pairs: ratios.count, slower: slower)
    }

    func line(labels: [String]) -> String {
        guard let ratio else { return "\(metric): no round had a value on both sides" }
        let range = interval.map { " (\(GateReport.number($0.lower))–\(GateReport.number($0.upper)))" } ?? ""
        let verdict: String
        switch slower {
        case .a: verdict = "A (\(labels[0])) is slower"
        case .b: verdict = "B (\(labels[1])) is slower"
        case .neither: verdict = "no difference the rounds can tell (the interval spans 1)"
        }
        return "\(metric) B/A \(GateReport.number(ratio))\(range) over \(pairs) pairs: \(verdict)"
    }
}
