import Foundation
import Harness
import LoadDriver

/// How a sweep ended.
public struct SweepOutcome: Sendable {
    /// Every run that produced figures, in run order (partial ones included, marked).
    public var results: [RunResult] = []
    /// Ctrl-C (or SIGTERM/SIGHUP) stopped the sweep.
    public var interrupted = false
    /// The servers could not be started or reached: nothing more could be measured.
    public var environmentError: String?
    /// A run ended with an error (e.g. a server died); the sweep stopped there.
    public var runError: String?
    /// Writing a finished row failed; the sweep stopped there.
    public var writeError: String?
}

/// Runs a sweep's schedule through one harness session: the embedded servers start once for the
/// whole sweep (as many as the largest cell needs: 5 when Redlock is in the grid; other cells use the
/// first), each cell runs in turn on them, hands each finished run to `write` at once (so Ctrl-C loses only the run in
/// progress, which is written too, marked partial), and stops the servers at the end.
public final class SweepRunner: Sendable {
    public let cells: [PlannedCell]
    /// The runs, in order.
    public let schedule: [ScheduledRun]
    /// Seeds every run's draws (see `SweepSchedule.runSeed`).
    public let seed: UInt64
    /// Repeats per cell (for progress labels).
    public let repeats: Int
    private let write: @Sendable (RunResult) throws -> Void
    private let progress: SweepProgress

    /// A runner; `write` receives each run as soon as it ends.
    public init(cells: [PlannedCell], schedule: [ScheduledRun], seed: UInt64, repeats: Int, progress: SweepProgress, write: @escaping @Sendable (RunResult) throws -> Void) {
        self.cells = cells
        self.schedule = schedule
        self.seed = seed
        self.repeats = repeats
        self.progress = progress
        self.write = write
    }

    /// Runs the schedule to the end, the first error, or Ctrl-C.
    public func execute() async -> SweepOutcome {
        var outcome = SweepOutcome()
        guard !schedule.isEmpty else { return outcome }
        let session: HarnessSession
        do { session = try await HarnessSession.open(for: cells.map(\.scenario)) } catch {
            outcome.environmentError = "\(error)"
            return outcome
        }
        if let fleet = session.servers.fleet {
            progress.clear()
            FileHandleOutput.note("started \(fleet.count) redis-server \(fleet.redisVersion) for the whole sweep: \(fleet.endpoints.map(\.description).joined(separator: " "))")
        }
        if let summary = session.servers.sentinelSummary {
            progress.clear()
            FileHandleOutput.note(summary)
        }
        progress.begin()
        for run in schedule {
            if session.interrupted { break }
            let cell = cells[run.cell]
            var scenario = cell.scenario
            scenario.seed = SweepSchedule.runSeed(sweepSeed: seed, cell: run.cell, round: run.round)
            let runID = RunIdentity.makeRunID()
            progress.runStarted(label: cell.label, round: run.round, repeats: repeats)
            let result: RunResult
            do {
                result = try await session.run(scenario, runID: runID, keyPrefix: "lockbench:\(runID):sweep:") { [progress] snapshot in
                    progress.tick(snapshot)
                }
            } catch {
                progress.runFinished(nil)
                outcome.environmentError = "\(cell.label): \(error)"
                break
            }
            progress.runFinished(result)
            outcome.results.append(result)
            do {
                try write(result)
            } catch {
                outcome.writeError = "\(error)"
                break
            }
            if let fatal = result.error {
                outcome.runError = "\(cell.label): \(fatal)"
                break
            }
        }
        outcome.interrupted = session.interrupted
        await session.close()
        return outcome
    }
}

/// Notes on stderr, away from the knee table on stdout.
enum FileHandleOutput {
    static func note(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
