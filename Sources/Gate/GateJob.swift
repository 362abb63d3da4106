import Foundation
import Harness
import Reports

/// What one or more jobs measured.
public struct GateJobResult: Sendable {
    /// Per job, every scenario's rounds.
    public var jobs: [[ScenarioSamples]]
    /// The servers' version.
    public var redisVersion: String
    /// Ctrl-C stopped it: nothing should be judged or written.
    public var interrupted: Bool
}

/// Runs a plan one or more times (separate jobs: each scenario gets fresh servers every time), with
/// Ctrl-C ending the current run and leaving no server behind.
public enum GateJob {
    /// Runs `plan` `jobs` times, logging one line per round.
    public static func run(_ plan: GatePlan, jobs: Int = 1, log: @escaping @Sendable (String) -> Void) async throws(GateEnvironmentError) -> GateJobResult {
        let measurer = GateMeasurer(plan: plan, log: log)
        Interrupts.route { reason in measurer.interrupt(reason: reason) }
        defer { Interrupts.route(to: nil) }
        var measured: [[ScenarioSamples]] = []
        for job in 1...max(jobs, 1) {
            if measurer.interrupted { break }
            if jobs > 1 { log("job \(job) of \(jobs)") }
            measured.append(try await measurer.measure(job: job))
        }
        return GateJobResult(jobs: measured, redisVersion: measurer.redisVersion ?? "unknown", interrupted: measurer.interrupted)
    }
}

/// Small helpers for the command: output paths, context lines, the command line.
public enum GateOutput {
    /// Why `path` cannot be written, or `nil` when it can (checked before minutes of measuring).
    public static func unwritable(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { return "\(path) is a directory; give a file name" }
            return FileManager.default.isWritableFile(atPath: path) ? nil : "\(path) is not writable"
        }
        let directory = (path as NSString).deletingLastPathComponent
        let dir = directory.isEmpty ? "." : directory
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
            return "\(path): directory \(dir) does not exist; create it first"
        }
        return FileManager.default.isWritableFile(atPath: dir) ? nil : "\(path): directory \(dir) is not writable"
    }

    /// Writes `text` to `path`, replacing it.
    public static func write(_ text: String, to path: String) throws(GateInputError) {
        do { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) } catch {
            throw GateInputError("cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// `bench gate ...` as this process was started (for the files it writes).
    public static func commandLine() -> String {
        (["bench"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
    }

    /// One line on where and how the baseline was measured.
    public static func describe(baseline: GateBaseline, path: String) -> String {
        let id = baseline.identity
        let rounds = baseline.scenarios.first?.samples.pairs.count ?? 0
        let jobs = baseline.aa.map { " from \($0.jobs) A/A jobs" } ?? ""
        return "baseline: \(path), \(id.time) on \(id.host) (\(id.cores) cores, redis \(id.redisVersion), git \(id.gitSHA), \(baseline.build) build), \(rounds) rounds per scenario\(jobs)"
    }

    /// A few words on what a `--current` file held.
    public static func describe(_ input: GateInput) -> String {
        switch input {
        case .measurement(let m):
            let rounds = m.scenarios.first?.pairs.count ?? 0
            return " (gate measurement, \(m.identity.time) on \(m.identity.host), git \(m.identity.gitSHA), \(m.build) build, \(rounds) rounds per scenario)"
        case .rows(let rows):
            return " (\(rows.count) result row\(rows.count == 1 ? "" : "s"), no reference client: hard gates only)"
        }
    }
}
