import Stats

/// What one check concluded.
public enum Verdict: String, Codable, Sendable, Hashable {
    /// Within bounds, or not distinguishable from the baseline.
    case pass
    /// A hard gate failed or a metric regressed beyond its threshold: the gate fails.
    case fail
    /// Better than the baseline beyond the threshold (does not fail; worth a new baseline).
    case improved
    /// Does not apply (an unsafe algorithm's safety counters, a metric with no value).
    case skipped

    /// Relative verdict: a regression only when the WHOLE interval lies past the threshold on the bad
    /// side, so noise that merely makes the interval wide never fails a build.
    public static func relative(interval: Interval, threshold: Double, higherIsBetter: Bool) -> Verdict {
        if higherIsBetter {
            if interval.upper < 1 - threshold { return .regression }
            if interval.lower > 1 + threshold { return .improved }
        } else {
            if interval.lower > 1 + threshold { return .regression }
            if interval.upper < 1 - threshold { return .improved }
        }
        return .pass
    }

    /// `fail`, named for the relative gates.
    public static let regression = Verdict.fail

    /// The word printed in tables.
    public var word: String {
        switch self {
        case .pass: return "pass"
        case .fail: return "FAIL"
        case .improved: return "improved"
        case .skipped: return "n/a"
        }
    }
}
