import ArgumentParser
import Foundation
import Harness

/// The flags that make `bench run` one shard of a run over several load generators.
struct ShardOptions: ParsableArguments {
    @Option(name: .customLong("shard"), help: ArgumentHelp(
        "Run shard I of N (I is 0-based, as Kubernetes' JOB_COMPLETION_INDEX; without this flag, JOB_COMPLETION_INDEX and JOB_COMPLETIONS are read): this process runs its slice of the contenders on the shared keys, after all N meet at a barrier on the target. Needs --server, --cluster or --sentinel, and --seed or --run-id.",
        valueName: "I/N"))
    var shard: String?

    @Option(name: .customLong("run-id"), help: ArgumentHelp(
        "The run id (and key prefix lockbench:ID:) every shard shares. Default: generated; with --shard, derived from --seed, N and the target, so identical flags on every pod agree.",
        valueName: "id"))
    var runID: String?

    @Option(name: .customLong("barrier-timeout"), help: ArgumentHelp(
        "--shard: how long to wait for all N shards at the start barrier before failing (exit 2).",
        valueName: "time"))
    var barrierTimeout = "30s"

    @Option(name: .customLong("shards"), help: ArgumentHelp(
        "Run N shard processes of this binary on this machine against one target (--server, --cluster, --sentinel, or a standalone/Redlock server started here), then merge their outputs into one run (as bench merge). Needs one --client.",
        valueName: "N"))
    var shards: Int?

    @Option(name: .customLong("shards-dir"), help: ArgumentHelp(
        "--shards: keep each shard's outputs in DIR/shard-I (run.json, output.txt, .hlog) for a later bench merge (default: a temporary directory, removed).",
        valueName: "dir"))
    var shardsDirectory: String?

    /// The settings, with the Indexed Job's variables from this process's environment.
    var settings: ShardSettings {
        let environment = ProcessInfo.processInfo.environment.filter { $0.key.hasPrefix("JOB_COMPLETION") }
        return ShardSettings(shard: shard, runID: runID, barrierTimeout: barrierTimeout, environment: environment)
    }

    func validate() throws {
        if let runID, runID.isEmpty || runID.contains(where: { $0.isWhitespace || $0 == ":" || $0 == "{" || $0 == "}" }) {
            throw ValidationError("--run-id '\(runID)' is invalid: use letters, digits, '-' or '_' (it becomes the key prefix lockbench:ID:).")
        }
    }
}
