import BenchMetrics
import Foundation
import HiredisClient
import LoadDriver
import NativeClient
import RedisConnection
import RedisFleet
import Reports
import Synchronization

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

/// Runs a sweep's schedule: starts the embedded servers once for the whole sweep (as many as the
/// largest cell needs: 5 when Redlock is in the grid; other cells use the first), runs each cell in
/// turn on them, hands each finished run to `write` at once (so Ctrl-C loses only the run in
/// progress, which is written too, marked partial), and stops the servers at the end.
public final class SweepRunner: Sendable {
    /// The cells.
    public let cells: [PlannedCell]
    /// The runs, in order.
    public let schedule: [ScheduledRun]
    /// Seeds every run's draws (see `SweepSchedule.runSeed`).
    public let seed: UInt64
    /// Repeats per cell (for progress labels).
    public let repeats: Int
    private let write: @Sendable (RunResult) throws -> Void
    private let progress: SweepProgress
    private let current = Mutex<LoadRun?>(nil)
    private let interrupted = Mutex(false)

    /// A runner; `write` receives each run as soon as it ends.
    public init(cells: [PlannedCell], schedule: [ScheduledRun], seed: UInt64, repeats: Int, progress: SweepProgress, write: @escaping @Sendable (RunResult) throws -> Void) {
        self.cells = cells
        self.schedule = schedule
        self.seed = seed
        self.repeats = repeats
        self.progress = progress
        self.write = write
    }

    static func connector(_ kind: RedisClientKind) -> any RedisConnector {
        switch kind {
        case .native: return NativeConnector()
        case .hiredis: return HiredisConnector()
        }
    }

    /// Runs the schedule to the end, the first error, or Ctrl-C.
    public func execute() async -> SweepOutcome {
        var outcome = SweepOutcome()
        // Ctrl-C ends the run in progress (its figures are still written, marked partial) and the sweep.
        RedisFleet.setInterruptHandler { [self] signal in
            self.interrupted.withLock { $0 = true }
            self.current.withLock { $0?.interrupt(reason: "interrupted by signal \(signal)") }
        }
        defer { RedisFleet.setInterruptHandler(nil) }

        var fleet: RedisFleet?
        let needed = cells.filter { $0.plan.endpoints.isEmpty }.map(\.plan.embeddedCount).max() ?? 0
        if needed > 0, !schedule.isEmpty {
            let unix = cells.first?.plan.scenario.embeddedUnix ?? false
            do {
                let started = try await RedisFleet.start(count: needed, options: RedisServerOptions(transport: unix ? .unix : .tcp))
                fleet = started
                progress.clear()
                FileHandleOutput.note("started \(needed) redis-server \(started.redisVersion) for the whole sweep: \(started.endpoints.map(\.description).joined(separator: " "))")
            } catch {
                outcome.environmentError = "\(error)"
                return outcome
            }
        }
        progress.begin()
        for run in schedule {
            if interrupted.withLock({ $0 }) { break }
            let cell = cells[run.cell]
            var (scenario, endpoints) = cell.scenario(endpoints: fleet?.endpoints ?? [])
            scenario.seed = SweepSchedule.runSeed(sweepSeed: seed, cell: run.cell, round: run.round)
            let runID = RunIdentity.makeRunID()
            let load = LoadRun(scenario: scenario, connector: Self.connector(scenario.client), endpoints: endpoints,
                               connectionOptions: cell.plan.connection, keyPrefix: "lockbench:\(runID):sweep:")
            current.withLock { $0 = load }
            progress.runStarted(label: cell.label, round: run.round, repeats: repeats)
            let measured: DriverOutcome
            do {
                measured = try await load.run { [progress] snapshot in progress.tick(snapshot) }
            } catch {
                current.withLock { $0 = nil }
                progress.runFinished(nil)
                outcome.environmentError = "\(cell.label): \(error)"
                break
            }
            current.withLock { $0 = nil }
            let result = RunResult(measured: measured, scenario: scenario, runID: runID, fallbackRedisVersion: fleet?.redisVersion)
            progress.runFinished(result)
            outcome.results.append(result)
            do {
                try write(result)
            } catch {
                outcome.writeError = "\(error)"
                break
            }
            if let fatal = measured.fatalError {
                outcome.runError = "\(cell.label): \(fatal)"
                break
            }
        }
        await fleet?.stop()
        outcome.interrupted = interrupted.withLock { $0 }
        return outcome
    }
}

/// Notes on stderr, away from the knee table on stdout.
enum FileHandleOutput {
    static func note(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
