import ArgumentParser
import Chaos
import Foundation
import LoadDriver
import Locks
import RedisConnection
import RedisFleet
import Reports

/// `bench chaos`: real faults against real servers, and whether each lock stayed safe.
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "Run real faults against real servers and report whether each lock stayed safe.",
        discussion: """
            Scenarios: client-pause (a holder frozen past its TTL, in process and as a SIGSTOPped worker \
            process), failover (primary killed before the lock replicated; promotion by REPLICAOF NO ONE \
            or Sentinel; with and without WAIT 1), redlock-restart (a node restarts empty within the TTL, \
            or only after it), redlock-loss (1, 2, 3 of 5 nodes killed or paused while contenders run), \
            clock-skew (client clocks ahead, legacy-getset vs setnx-px), network (connection resets; a paused server with client timeouts). Every fault is \
            placed by the scenario, not by chance, and every server is started here and stopped at the end.

            On etcd and ZooKeeper (--algorithm etcd-mutex, etcd-lock-rpc, zk-recipe; not run unless named): \
            client-pause (the holder frozen past its lease or session, with and without the revision or czxid \
            as fencing token), leader-loss (the leader of 3 killed under load) and member-pause (a follower, \
            then the leader, SIGSTOPped under load). Redis-only scenarios refuse store algorithms.

            Each row says what the lock's design predicts and whether it happened. Exit codes: 0 every \
            prediction confirmed; 1 at least one was not (listed at the end); 2 environment error (no \
            redis-server, a server or the worker would not start, output not writable); 64 usage error; \
            130 interrupted by Ctrl-C (the rows finished so far are still printed and written).
            """
    )

    @Option(help: ArgumentHelp("Scenarios, comma-separated (default: every Redis one, or those of the --algorithm given): \(ChaosScenario.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "list"))
    var scenario: String?

    @Option(help: ArgumentHelp("Only these algorithms, comma-separated (default: each scenario's own set).", valueName: "list"))
    var algorithm: String?

    @Option(help: ArgumentHelp("Client: native, hiredis or both.", valueName: "client"))
    var client = "native"

    @Option(help: ArgumentHelp("Times each fault is placed per row (1...20).", valueName: "n"))
    var trials = 2

    @Flag(help: "Skip the Sentinel failover variant even when redis-sentinel is installed.")
    var noSentinel = false

    @Option(name: .customLong("redis-server"), help: ArgumentHelp("The redis-server binary to run instead of the one on PATH.", valueName: "path"))
    var redisServer: String?

    @Option(help: ArgumentHelp("Append the safety rows to this CSV (header written once).", valueName: "file"))
    var csv: String?

    @Option(help: ArgumentHelp("Write the safety rows to this file as a JSON array of SafetyRow.", valueName: "file"))
    var json: String?

    func validate() throws {
        _ = try plan()
    }

    func plan() throws -> ChaosPlan {
        var algorithms: [LockAlgorithmKind]?
        if let algorithm {
            algorithms = try Self.list(algorithm, flag: "--algorithm", LockAlgorithmKind.allCases.map(\.rawValue)).map { LockAlgorithmKind(rawValue: $0)! }
        }
        var scenarios = ChaosScenario.defaultSet(algorithms: algorithms)
        if let scenario {
            scenarios = try Self.list(scenario, flag: "--scenario", ChaosScenario.allCases.map(\.rawValue)).map { ChaosScenario(rawValue: $0)! }
        }
        if scenarios.isEmpty, let algorithms {
            throw ValidationError("--algorithm \(algorithms.map(\.rawValue).joined(separator: ",")): no scenario runs these; see --help for each scenario's algorithms.")
        }
        let clients: [RedisClientKind]
        switch client {
        case "native": clients = [.native]
        case "hiredis": clients = [.hiredis]
        case "both": clients = [.native, .hiredis]
        default: throw ValidationError("--client must be native, hiredis or both, not '\(client)'.")
        }
        let plan = ChaosPlan(scenarios: scenarios, algorithms: algorithms, clients: clients, trials: trials,
                             workerExecutable: Self.ownExecutable(), sentinel: !noSentinel, redisServer: redisServer)
        do { try plan.validate() } catch { throw ValidationError("\(error.reason.prefix(1).uppercased())\(error.reason.dropFirst()).") }
        return plan
    }

    /// Comma-separated names, each one of `known`, no repeats.
    static func list(_ text: String, flag: String, _ known: [String]) throws -> [String] {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !names.isEmpty else { throw ValidationError("\(flag) needs at least one name: \(known.joined(separator: ", ")).") }
        for name in names where !known.contains(name) {
            throw ValidationError("\(flag): unknown '\(name)'; use \(known.joined(separator: ", ")).")
        }
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    /// This binary, which doubles as the SIGSTOP scenario's worker (`bench chaos-worker`).
    static func ownExecutable() -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    }

    func run() async throws {
        let plan = try plan()
        do {
            if let csv { try SafetyFiles.preflightCSV(csv) }
            if let json { try SafetyFiles.preflightJSON(json) }
        } catch {
            throw Terminal.environmentError("chaos", error)
        }
        let runner = ChaosRunner(plan: plan) { Terminal.note("  \($0)") }
        RedisFleet.setInterruptHandler { _ in runner.interrupt() }
        defer { RedisFleet.setInterruptHandler(nil) }
        Terminal.note("bench chaos: \(plan.scenarios.map(\.rawValue).joined(separator: ", ")) on \(plan.clients.map(\.rawValue).joined(separator: " and ")), \(plan.trials) trial(s) per row")
        let outcome = await runner.run()
        try report(outcome)
    }

    private func report(_ outcome: ChaosOutcome) throws {
        if !outcome.rows.isEmpty {
            print(SafetyTable.render(outcome.rows))
            if !outcome.phases.isEmpty {
                print("\nAvailability per phase (redlock-loss):")
                print(SafetyTable.renderPhases(outcome.phases))
            }
        }
        if !outcome.notes.isEmpty {
            print("\nNotes:")
            for note in outcome.notes { print("- \(note)") }
        }
        if !outcome.rows.isEmpty {
            do {
                let identity = RunIdentity.current(redisVersion: outcome.redisVersion)
                if let csv { try SafetyFiles.appendCSV(outcome.rows, identity: identity, to: csv); Terminal.note("wrote \(csv)") }
                if let json { try SafetyFiles.writeJSON(outcome.rows, to: json); Terminal.note("wrote \(json)") }
            } catch {
                throw Terminal.environmentError("chaos", error)
            }
        }
        if let failure = outcome.environmentError {
            throw Terminal.environmentError("chaos", failure)
        }
        if outcome.interrupted {
            Terminal.error("bench chaos: interrupted; the rows above are the ones that finished.")
            throw ExitCode(130)
        }
        let unconfirmed = outcome.unconfirmed
        guard unconfirmed.isEmpty else {
            Terminal.error("bench chaos: \(unconfirmed.count) predicted outcome(s) not confirmed:")
            for row in unconfirmed {
                Terminal.error("  \(row.scenario) / \(row.variant) / \(row.algorithm) / \(row.client): predicted \(row.predicted); \(row.verdict)")
            }
            throw ExitCode(1)
        }
    }
}
