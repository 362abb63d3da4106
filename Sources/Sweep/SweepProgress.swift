import Foundation
import LoadDriver
import POSIX
import Reports
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The sweep's progress on stderr (stdout keeps the knee table): on a terminal, a live line rewritten
/// once a second plus one permanent line per finished run; elsewhere (a pipe, a CI log, `CI` set)
/// only the permanent lines. Each shows runs done/total, elapsed time and the time left.
public final class SweepProgress: Sendable {
    private struct State {
        /// Monotonic ns: a wall-clock step (NTP) must not bend the ETA.
        var startedNanos = MonotonicClock.nanos()
        var done = 0
        var plannedDone = 0.0
        var current = ""
        var currentPlanned = 0.0
    }

    /// Runs in the sweep (cells × repeats still to do).
    public let total: Int
    /// Planned seconds (warm-up + window) of every run still to do, in run order.
    public let planned: [Double]
    /// Whether to draw the live line.
    public let live: Bool
    private let state = Mutex(State())

    /// Progress for runs of these planned lengths; `live` defaults to "stderr is a terminal and `CI`
    /// is not set".
    public init(planned: [Double], live: Bool = SweepProgress.stderrIsInteractive) {
        total = planned.count
        self.planned = planned
        self.live = live
    }

    /// Whether stderr is a terminal outside CI.
    public static var stderrIsInteractive: Bool {
        isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["CI"] == nil
    }

    /// Seconds, as `45s`, `3m05s`, `1h02m`.
    public static func duration(_ seconds: Double) -> String {
        let s = Int(max(0, seconds).rounded())
        if s < 60 { return "\(s)s" }
        if s < 3_600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return String(format: "%dh%02dm", s / 3_600, (s % 3_600) / 60)
    }

    /// Time left: what remains as planned, scaled by how long runs actually took against their plan so
    /// far (connecting, draining and deleting keys add to every run); before the first run ends, the
    /// plan plus a second per run.
    public static func estimate(elapsed: Double, plannedDone: Double, plannedLeft: Double, runsLeft: Int) -> Double {
        guard plannedDone > 0, elapsed > 0 else { return plannedLeft + Double(runsLeft) }
        return plannedLeft * (elapsed / plannedDone)
    }

    private func timing(_ s: State) -> String {
        let elapsed = Double(MonotonicClock.nanos() &- s.startedNanos) / 1e9
        let left = planned.dropFirst(s.done).reduce(0, +)
        let eta = Self.estimate(elapsed: elapsed, plannedDone: s.plannedDone, plannedLeft: left, runsLeft: total - s.done)
        return "elapsed \(Self.duration(elapsed)), ETA \(Self.duration(eta))"
    }

    /// Marks the sweep's start (the clock for elapsed and ETA).
    public func begin() {
        state.withLock { $0.startedNanos = MonotonicClock.nanos() }
    }

    public func runStarted(label: String, round: Int, repeats: Int) {
        let line: String = state.withLock { s in
            s.current = "[\(s.done + 1)/\(total)] \(label)" + (repeats > 1 ? " (repeat \(round + 1)/\(repeats))" : "")
            s.currentPlanned = planned.indices.contains(s.done) ? planned[s.done] : 0
            return "\(s.current)  warm-up  \(timing(s))"
        }
        if live { Self.rewrite(line) }
    }

    /// The driver's once-a-second figures for the current run.
    public func tick(_ snapshot: ProgressSnapshot) {
        guard live else { return }
        let line: String = state.withLock { s in
            let phase = snapshot.measuring ? "measuring" : "warm-up"
            return "\(s.current)  \(phase)  \(Self.count(snapshot.acquisitionsPerSecond)) acq/s  \(timing(s))"
        }
        Self.rewrite(line)
    }

    /// A run ended with `result` (or with no result when it could not start).
    public func runFinished(_ result: RunResult?) {
        let line: String = state.withLock { s in
            s.done += 1
            s.plannedDone += s.currentPlanned
            var text = s.current + ": "
            if let result {
                let m = result.measurements
                text += "\(Self.count(m.acquisitionsPerSecond)) acq/s, p99 \(m.acquire.map { HumanUnits.latency($0.p99Us) } ?? "-"), errors \(m.errors)"
                if result.partial { text += ", PARTIAL" }
            } else {
                text += "did not run"
            }
            return text + "  (" + timing(s) + ")"
        }
        if live { Self.rewrite("") }
        Self.write(line + "\n")
    }

    /// Clears the live line (before other output).
    public func clear() {
        if live { Self.rewrite("") }
    }

    private static func count(_ x: Double) -> String { HumanUnits.load(x.rounded()) }

    private static func rewrite(_ line: String) {
        write("\r\u{1B}[2K" + line)
    }

    private static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
