import LoadDriver
import Locks

/// What makes a finished run a failure (exit 1) rather than a measurement: the bounds README's
/// exit-code section documents.
public enum RunChecks {
    /// Errors (failed commands and connections, not lock timeouts) per acquisition started, above
    /// which the run measured mostly its own failures.
    public static let maxErrorRate = 0.01

    /// Errors per acquisition started; errors with nothing started count as 1.
    public static func errorRate(_ result: RunResult) -> Double {
        let m = result.measurements
        let started = m.acquisitions + m.failedAcquires
        guard started > 0 else { return m.errors > 0 ? 1 : 0 }
        return Double(m.errors) / Double(started)
    }

    /// Safe algorithms must never overlap when holds stay inside the TTL.
    public static func violatesSafety(_ result: RunResult) -> Bool {
        let scenario = result.scenario
        return result.measurements.safety.mutexOverlaps > 0
            && scenario.lock.algorithm.overlapsAreViolations(maxHoldUs: scenario.hold.maxUs, ttlMs: scenario.lock.ttlMs)
    }

    /// What a reader of `result`'s figures must know that the figures cannot say themselves.
    public static func notes(_ result: RunResult) -> [String] {
        var notes: [String] = []
        let m = result.measurements
        if m.acquisitions == 0, let total = m.grantsTotal, total > 0 {
            // A queue of N waiters served one at a time takes N handoffs per turn: past the window's
            // length, no acquisition both starts and ends inside it, though the lock was busy throughout.
            notes.append("0 acquisitions both started and ended in the \(String(format: "%.0f", m.windowS)) s window, but \(total) grants were made in the run: one acquisition takes longer than the window (\(result.scenario.contenders) contenders on \(result.scenario.keys) key(s) wait their turn). Lengthen --duration to measure it.")
        }
        return notes
    }

    /// Why `result` fails (exit 1), or `nil`.
    public static func failure(_ result: RunResult) -> String? {
        if let error = result.error {
            return "\(error). The figures cover the \(String(format: "%.1f", result.measurements.windowS)) s measured before it; the row is marked partial."
        }
        if violatesSafety(result) {
            return "\(result.scenario.lock.algorithm) showed mutual-exclusion violations; see the safety rows."
        }
        if let refused = result.cluster?.crossSlot, refused > 0 {
            return "\(refused) commands had keys in different cluster slots (refused before sending, as the server would answer CROSSSLOT): a lock's keys must share one {hash tag}; this is a lockbench bug."
        }
        let rate = errorRate(result)
        if rate > maxErrorRate {
            return "\(result.measurements.errors) errors against \(result.measurements.acquisitions + result.measurements.failedAcquires) acquisitions started (\(String(format: "%.1f", rate * 100))%, bound \(String(format: "%.0f", maxErrorRate * 100))%): the figures describe failures, not the lock."
        }
        return nil
    }
}

extension TimeDistribution {
    /// The longest value the distribution can draw (µs); exponential is unbounded.
    public var maxUs: Int {
        switch self {
        case .fixed(let us): return us
        case .uniform(_, let hi): return hi
        case .exponential: return .max
        }
    }
}
