import ArgumentParser
import Foundation
import Harness
import LoadDriver
import POSIX
import Reports
#if canImport(Glibc)
import Glibc
#endif

/// `bench run --shards N`: the Indexed Job on this machine. N child processes of this binary run
/// `--shard i/N` of one run against one target, then their outputs are merged as `bench merge` does.
extension RunCommand {
    /// Flags the parent owns: outputs are the merged run's, the seed and run id are chosen once, and
    /// `--unix` chose the embedded server's transport, which the children reach by `--server`.
    static let parentOnlyFlags: Set<String> = OutputOptions.flagNames.union(["--shards", "--shards-dir", "--seed", "--run-id", "--rounds", "--threshold"])
    static let parentOnlySwitches: Set<String> = ["--unix"]

    /// This invocation's arguments for one child: the parent's own, less the flags it owns.
    static func childArguments(_ arguments: [String]) -> [String] {
        var kept: [String] = []
        var skipNext = false
        for argument in arguments {
            if skipNext { skipNext = false; continue }
            let name = String(argument.split(separator: "=", maxSplits: 1).first ?? "")
            if parentOnlySwitches.contains(argument) { continue }
            if parentOnlyFlags.contains(name) {
                skipNext = !argument.contains("=")
                continue
            }
            kept.append(argument)
        }
        return kept
    }

    /// Refusals of `--shards N` that need no server: usage errors before anything starts.
    func validateLocalShards(_ count: Int) throws {
        guard (1...64).contains(count) else { throw ValidationError("--shards must be 1...64, not \(count).") }
        if options.settings.namesStore {
            throw ValidationError("--shards N: the shards meet at a barrier on a Redis server's clock, which an etcd or ZooKeeper run has not: drop --shards.")
        }
        if sharding.shard != nil || ProcessInfo.processInfo.environment["JOB_COMPLETION_INDEX"] != nil {
            throw ValidationError("--shards N starts the shards itself: drop --shard (and JOB_COMPLETION_INDEX), or run each shard with --shard I/N.")
        }
        if options.clients.count != 1 {
            throw ValidationError("--shards N runs one client per shard: add --client native or --client hiredis.")
        }
        if let rounds, rounds != 1 { throw ValidationError("--shards N runs one round: drop --rounds \(rounds).") }
        if !thresholds.isEmpty { throw ValidationError("--shards N: --threshold is not judged on a merged run yet; judge the merged --csv instead.") }
        if options.contenders < count {
            throw ValidationError("--contenders \(options.contenders) cannot be shared by \(count) shards: give at least one contender per shard.")
        }
    }

    /// Starts the embedded server when no target is given, runs the shards, merges and reports.
    func runLocalShards(_ count: Int, scenario: Scenario) async throws {
        guard let executable = ChaosCommand.ownExecutable() else {
            throw Terminal.environmentError("run", "--shards: cannot find this binary (/proc/self/exe) to start the shards from.")
        }
        let seed = options.seed ?? UInt64.random(in: 0...UInt64.max)
        let runID = sharding.runID ?? RunIdentity.makeRunID()
        let keep = sharding.shardsDirectory != nil
        let root = sharding.shardsDirectory ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("lockbench-shards-\(runID)")
        var session: HarnessSession?
        var target: [String] = []
        if scenario.deployment.isEmbedded {
            do { session = try await HarnessSession.open(for: [scenario], catchInterrupts: false) } catch {
                throw Terminal.environmentError("run", error)
            }
            guard let fleet = session?.servers.fleet, scenario.connection.tls == nil, options.topology == .standalone else {
                await session?.close()
                throw Terminal.environmentError("run", "--shards with embedded servers starts plain standalone or Redlock servers only: for a cluster, Sentinel or TLS, start it and give --cluster, --sentinel or --server.")
            }
            target = fleet.endpoints.flatMap { ["--server", $0.description] }
            Terminal.note("started \(fleet.count) redis-server \(fleet.redisVersion) for \(count) shards: \(fleet.endpoints.map(\.description).joined(separator: " "))")
        }
        defer { if !keep { try? FileManager.default.removeItem(atPath: root) } }
        let base = Self.childArguments(Array(CommandLine.arguments.dropFirst()))
        var children: [ShardProcesses.Child] = []
        var directories: [String] = []
        for index in 0..<count {
            let directory = (root as NSString).appendingPathComponent("shard-\(index)")
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            directories.append(directory)
            var arguments = base + target + ["--shard", "\(index)/\(count)", "--run-id", runID, "--seed", "\(seed)"]
            arguments += ["--json", (directory as NSString).appendingPathComponent("run.json")]
            if output.hlog != nil { arguments += ["--hlog", directory] }
            // Each shard logs its own grants; the merge maps them onto the server's timeline together.
            if output.grantsLog != nil { arguments += ["--grants-log", (directory as NSString).appendingPathComponent("grants.jsonl")] }
            children.append(.init(arguments: arguments, log: (directory as NSString).appendingPathComponent("output.txt")))
        }
        Terminal.note("run \(runID): \(count) shard processes, seed \(seed), outputs in \(root)\(keep ? "" : " (removed after the merge)")")
        let statuses: [WaitStatus]
        do {
            let processes = try await ShardProcesses.start(executable: executable, children: children)
            Interrupts.route { _ in processes.signal(SIGINT) }
            statuses = await processes.wait()
            Interrupts.route(to: nil)
        } catch {
            await session?.close()
            throw Terminal.environmentError("run", error)
        }
        await session?.close()
        try await mergeLocalShards(directories: directories, statuses: statuses, logs: children.map(\.log))
    }

    private func mergeLocalShards(directories: [String], statuses: [WaitStatus], logs: [String]) async throws {
        // 0 and 1 (a failed check) and 130 (interrupted, marked partial) leave a result to merge.
        let failed = statuses.indices.filter { ![0, 1, 130].contains(statuses[$0].shellCode) }
        for index in failed {
            let tail = ((try? String(contentsOfFile: logs[index], encoding: .utf8)) ?? "").split(separator: "\n").suffix(5).joined(separator: "\n  ")
            Terminal.error("bench run: shard \(index)/\(statuses.count) \(statuses[index]):\n  \(tail)")
        }
        if !failed.isEmpty { throw ExitCode(2) }
        let interrupted = statuses.contains { $0.shellCode == 130 }
        let merged: RunResult
        do { merged = try ShardMerge.merge(try ShardMerge.load(directories)) } catch {
            // Ctrl-C at the barrier: the shards withdrew before measuring, so there is nothing to merge.
            if interrupted {
                Terminal.error("bench run: interrupted before every shard measured: nothing merged (\(error))")
                throw ExitCode(130)
            }
            throw Terminal.environmentError("run", "--shards: merging the shards' outputs: \(error)")
        }
        try MergeCommand.report(merged, shards: directories, output: output, command: "run")
        if interrupted { throw ExitCode(130) }
    }
}
