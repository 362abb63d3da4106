/// The figures the relative gates compare, each as a number that does not depend on how fast this
/// machine happens to be right now.
public enum GateMetric: String, Codable, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Acquisitions per second ÷ the reference's SET requests per second.
    case throughput
    /// Acquire p50 ÷ the reference's mean SET latency.
    case acquireP50 = "acquire-p50"
    /// Acquire p99 ÷ the reference's mean SET latency.
    case acquireP99 = "acquire-p99"
    /// Jain's fairness index as measured: a ratio of grant counts, so machine speed cancels inside it
    /// and no reference is needed.
    case jain

    /// The command-line and file name.
    public var description: String { rawValue }

    /// Whether a larger value is better (throughput, fairness) or worse (latency).
    public var higherIsBetter: Bool {
        switch self {
        case .throughput, .jain: return true
        case .acquireP50, .acquireP99: return false
        }
    }

    /// What the normalised number means, for tables and the README.
    public var unit: String {
        switch self {
        case .throughput: return "acq/s ÷ ref SET/s"
        case .acquireP50: return "p50 ÷ ref mean"
        case .acquireP99: return "p99 ÷ ref mean"
        case .jain: return "index"
        }
    }

    /// The normalised value of one run against the reference measured next to it.
    public func value(_ run: RunFigures, reference: ReferenceFigures?) -> Double? {
        switch self {
        case .jain: return run.jain
        case .throughput: return Self.ratio(run.acquisitionsPerSecond, reference?.requestsPerSecond)
        case .acquireP50: return Self.ratio(run.acquireP50Us, reference?.meanUs)
        case .acquireP99: return Self.ratio(run.acquireP99Us, reference?.meanUs)
        }
    }

    /// The value without the reference (the raw figure), to show what normalising buys.
    public func rawValue(_ run: RunFigures) -> Double? {
        switch self {
        case .jain: return run.jain
        case .throughput: return run.acquisitionsPerSecond
        case .acquireP50: return run.acquireP50Us
        case .acquireP99: return run.acquireP99Us
        }
    }

    static func ratio(_ a: Double?, _ b: Double?) -> Double? {
        guard let a, let b, b > 0, a.isFinite, b.isFinite, a > 0 else { return nil }
        return a / b
    }
}
