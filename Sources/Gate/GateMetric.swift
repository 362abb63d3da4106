/// The figures the relative gates compare, each as a number that does not depend on how fast this
/// machine happens to be right now.
///
/// Throughput and latency are the client under test (the scenario's first client, `native`) divided
/// by a reference run right next to it in the same round, on the same servers: a busy neighbour or a
/// slower machine moves both and cancels out. The references are the second client (`hiredis`) and,
/// where the scenario is its cycle, the C reference client (`c-reference`), which shares no Swift code
/// and so does not cancel a slowdown in the layers both Swift clients share. Jain's index is already a
/// ratio (of grant counts), so each client's is compared as measured.
public enum GateMetric: String, Codable, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Acquisitions per second, client ÷ reference client.
    case throughput
    /// Acquire p50, client ÷ reference client.
    case acquireP50 = "acquire-p50"
    /// Acquire p99, client ÷ reference client.
    case acquireP99 = "acquire-p99"
    /// Jain's fairness index as measured.
    case jain

    /// The widest threshold that is still gated. A throughput threshold of 100% or more can never fail
    /// (a ratio cannot fall below 0), and a latency that must more than double before the gate fires
    /// gates nothing a regression plausibly does; such rows are reported, marked not gated.
    public static let widestGatedThreshold = 1.0

    /// The command-line and file name.
    public var description: String { rawValue }

    /// Whether a larger value is better (throughput, fairness) or worse (latency).
    public var higherIsBetter: Bool {
        switch self {
        case .throughput, .jain: return true
        case .acquireP50, .acquireP99: return false
        }
    }

    /// Whether the metric is divided by the reference client's (throughput, latency) or taken as
    /// measured, per client (Jain).
    public var isClientRatio: Bool { self != .jain }

    /// The value without the reference (the raw figure).
    public func rawValue(_ run: RunFigures) -> Double? {
        switch self {
        case .jain: return run.jain
        case .throughput: return run.acquisitionsPerSecond
        case .acquireP50: return run.acquireP50Us
        case .acquireP99: return run.acquireP99Us
        }
    }

    /// `a / b` when both are positive and finite.
    static func ratio(_ a: Double?, _ b: Double?) -> Double? {
        guard let a, let b, b > 0, a.isFinite, b.isFinite, a > 0 else { return nil }
        return a / b
    }
}
