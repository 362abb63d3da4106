import Foundation
import LoadDriver
import Stats

/// Acquisition rate, latency and Redlock validity margin in one phase of a load run (before, during
/// and after a fault): the availability side of the safety table.
public struct PhaseSummary: Codable, Sendable, Hashable {
    /// The scenario, e.g. `redlock-loss`.
    public var scenario: String
    /// The row's variant, e.g. `2 of 5 killed`.
    public var variant: String
    public var algorithm: String
    public var client: String
    /// `before`, `during` or `after`.
    public var phase: String
    /// Length of the phase as measured, seconds.
    public var seconds: Double
    /// Grants in the phase.
    public var grants: Int
    /// Acquisitions that ended without the lock in the phase.
    public var failed: Int
    /// Grants per second.
    public var ratePerSecond: Double
    /// Acquire latency percentiles, ms (`nil` without grants).
    public var p50Ms: Double?
    /// See `p50Ms`.
    public var p99Ms: Double?
    /// Smallest validity a grant came with, ms (Redlock: `ttl − elapsed − drift`; others: the TTL).
    public var minValidityMs: Double?

    init(scenario: String, variant: String, algorithm: String, client: String, phase: String,
         events: LoadEventLog, from start: UInt64, to end: UInt64) {
        self.scenario = scenario
        self.variant = variant
        self.algorithm = algorithm
        self.client = client
        self.phase = phase
        seconds = end > start ? Double(end - start) / 1e9 : 0
        let inside = events.grants(from: start, to: end)
        grants = inside.count
        failed = events.failures(from: start, to: end).count
        ratePerSecond = seconds > 0 ? Double(grants) / seconds : 0
        let latencies = inside.map { Double($0.latencyNanos) / 1e6 }.sorted()
        p50Ms = Statistics.percentile(sorted: latencies, 50)
        p99Ms = Statistics.percentile(sorted: latencies, 99)
        minValidityMs = inside.map(\.validityMs).min()
    }

    /// `before 312/s p99 4.1 ms min validity 975 ms`, for verdicts.
    var brief: String {
        var text = "\(phase) \(String(format: "%.0f", ratePerSecond))/s"
        if let p99Ms { text += " p99 \(String(format: "%.1f", p99Ms)) ms" }
        if let minValidityMs, algorithm == "redlock" { text += " min validity \(String(format: "%.0f", minValidityMs)) ms" }
        return text
    }
}
