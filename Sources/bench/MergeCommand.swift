import ArgumentParser
import BenchMetrics
import Foundation
import Harness
import LoadDriver
import Reports

/// `bench merge`: the shards of one run into the one result a single machine would have written.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the outputs of the shards of one run (bench run --shard I/N) into one run's outputs.",
        discussion: """
            Each input is a shard's output directory holding the JSON it wrote with --json (run.json, or \
            the directory's only .json file), or that file itself. The JSON keeps the raw recorder, so \
            the merge is exact: acquisitions and errors summed, every histogram added bucket by bucket \
            (the merged percentiles are those of one histogram holding every sample), fairness over all \
            contenders of all shards at their global indices, the Redlock budget over all attempts, and \
            per-second series added second by second (every shard's window starts at the same instant \
            on the server's clock). The result has the schema of one bench run: summary table, --csv, \
            --json, --hgrm, --hlog, ... (bench report turns the JSON into HTML).

            Refused (exit 64): shards of different runs or scenarios, a shard given twice, missing \
            shards, shards of different N. A partial shard makes the merged run partial. Exit codes: 0 \
            merged; 1 the merged run shows a failure (as bench run's); 2 an input could not be read or an \
            output written; 64 refused.
            """
    )

    @Argument(help: ArgumentHelp("Each shard's output directory (or its --json file).", valueName: "dir"))
    var shards: [String] = []

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if shards.isEmpty { throw ValidationError("pass each shard's output directory, e.g. bench merge out/shard-0 out/shard-1.") }
    }

    func run() throws {
        let merged: RunResult
        do { merged = try ShardMerge.merge(try ShardMerge.load(shards)) } catch {
            Terminal.error("bench merge: \(error.description)")
            throw ExitCode(error.kind == .usage ? 64 : 2)
        }
        try Self.report(merged, shards: shards, output: output, command: "merge")
    }

    /// Prints the merged run as `bench run` prints one run, writes the requested outputs, and exits 1
    /// when the merged run shows a failure.
    static func report(_ merged: RunResult, shards: [String], output: OutputOptions, command: String) throws {
        print(SummaryTable.render([merged], ratios: .clientCost), terminator: "")
        // Warm-up and drain grants too: what the server saw, where the window's acquisitions are a subset.
        let grants = merged.measurements.grantsTotal.map { ", \($0) grants in the run (\(merged.measurements.acquisitions) in the window)" } ?? ""
        print("merged run \(merged.identity.runID): \(shards.count) shards, \(merged.scenario.contenders) contenders in all\(grants)\(merged.partial ? "; PARTIAL: \(merged.partialReason ?? "")" : "")")
        // Shards run with --grants-log: every hold on the server's timeline, across shards.
        do {
            let logs = try GrantLogFile.read(inShardDirectories: shards.map { ($0 as NSString).pathExtension == "json" ? ($0 as NSString).deletingLastPathComponent : $0 })
            if !logs.isEmpty { print(CrossShardSafety.analyse(logs: logs).description) }
        } catch {
            throw Terminal.environmentError(command, error)
        }
        do {
            try output.preflight()
            for path in try output.write([merged]) { Terminal.note("wrote \(path)") }
        } catch {
            throw Terminal.environmentError(command, error)
        }
        if let failure = RunChecks.failure(merged) {
            Terminal.error("bench \(command): \(failure)")
            throw ExitCode(1)
        }
    }
}
