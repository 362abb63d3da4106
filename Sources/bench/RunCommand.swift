import ArgumentParser
import Foundation
import Gate
import Harness
import LoadDriver
import RedisConnection
import Reports

/// `bench run`: one scenario, on one or both clients, with every measurement.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one lock scenario against Redis and report latency, throughput, fairness and safety.",
        discussion: """
            With no --server, starts its own redis-server (5 for redlock) on free loopback ports and \
            stops it at the end. Keys live under a run-unique prefix and are deleted at the end; no \
            database is ever flushed. Passwords come from --password-env or --password-file, never \
            from the command line.

            With --client both (the default) the clients alternate over interleaved rounds (native, \
            hiredis, hiredis, native, ...; 3 rounds of 0.5 s warm-up + 3 s unless --rounds, --duration \
            or --warmup say otherwise), each client's median round fills the table, and below it the \
            median and range of the paired ratios (throughput, acquire p50 and p99, client CPU per \
            acquisition and per command). With fewer than 3 rounds, only the clients' own cost (client \
            CPU per command sent) gets a ratio: in a contended scenario, who wins each race decides \
            throughput and latency more than the client does.

            With --shard I/N (or JOB_COMPLETION_INDEX and JOB_COMPLETIONS, as a Kubernetes Indexed Job \
            sets them; I is 0-based), this process is one of N load generators of one run against \
            --server, --cluster or --sentinel: it runs contenders I*C/N ..< (I+1)*C/N on the shared keys \
            under the shared run id (--run-id, or derived from --seed, N and the target), waits at a \
            barrier on the target until all N arrived (--barrier-timeout, then exit 2), starts its \
            window at the same instant on the server's clock, reports its clock offset to the server, \
            and the last shard out deletes the run's keys.

            With --shards N, this process starts N shard processes of this binary (--shard i/N, one run \
            id and seed) against the target, or against a standalone or Redlock server it starts when \
            none is given, forwards Ctrl-C to them, and merges their outputs as bench merge does: the \
            summary and every output flag are the merged run's (--shards-dir keeps each shard's).

            With --target etcd or zookeeper (or --etcd / --zookeeper URLs of running ones), the same \
            driver, witness and reports run over a consensus store's lock recipe (etcd-mutex, \
            etcd-lock-rpc, zk-recipe; the wait is the store's own queue, watch). Embedded members (1, \
            or 3 with etcd:3 / zookeeper:3) start on loopback with their own data directories and are \
            removed at the end. The run uses lockbench's own client of the store, once; --client, \
            --tls, --server, --cluster, --sentinel, --topology and --shard are Redis settings and are \
            refused with it.

            Exit codes: 0 the run completed; 1 the run failed or was cut short (a server died, a safe \
            algorithm showed a mutual-exclusion violation, or errors exceeded 1% of the acquisitions \
            started), or a --threshold did not hold; 2 environment error (no redis-server, server unreachable or refusing the \
            handshake, e.g. a password is required; output not writable); 64 usage error; 130 \
            interrupted by Ctrl-C (what was measured is still written, marked partial).
            """
    )

    @OptionGroup var options: ScenarioOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var sharding: ShardOptions

    @Option(help: ArgumentHelp(
        "Interleaved rounds (native, hiredis, hiredis, native, ...); each client's median round is reported (default: 3 with --client both, else 1).",
        valueName: "n"))
    var rounds: Int?

    @Option(name: .customLong("threshold"), help: ArgumentHelp(
        "Fail (exit 1) unless this holds on each client's runs (median over rounds), e.g. 'acquire_p99_us < 50000' or 'failed_acquires / acquisitions < 0.001' (repeatable; metrics: the --csv columns).",
        valueName: "expr"))
    var thresholds: [String] = []

    /// `--threshold`s, parsed by `validate()`; not flags.
    var expressions: [ThresholdExpression] = []

    /// The scenario and rounds, planned once by `validate()` (so a refusal is a usage error naming
    /// this command) and run by `run()`; not flags.
    var plan: (scenario: Scenario, rounds: Int, runID: String?)?

    enum CodingKeys: CodingKey { case options, output, sharding, rounds, thresholds }

    /// Rounds of a comparison when none are asked for: enough paired ratios for a median and a range,
    /// inside about 25 s with `comparisonWindow`.
    static let comparisonRounds = 3

    /// The first screen's windows: 3 rounds × 2 clients × (0.5 s + 3 s), about 22 s with setup.
    static func comparisonWindow(_ s: inout ScenarioSettings) {
        s.duration = "3s"
        s.warmup = "0.5s"
    }

    mutating func validate() throws {
        let comparison = options.clients.count > 1 && rounds == nil
        let count = rounds ?? (comparison ? Self.comparisonRounds : 1)
        guard (1...50).contains(count) else { throw ValidationError("--rounds must be 1...50, not \(count).") }
        if let shards = sharding.shards { try validateLocalShards(shards) }
        expressions = try Self.parseThresholds(thresholds)
        var scenario = try options.scenario(defaults: comparison ? Self.comparisonWindow : { _ in })
        if output.hlog != nil { scenario.intervalHistograms = true }
        if output.grantsLog != nil {
            // One file holds one run's grants: several clients or rounds would need several files.
            guard options.clients.count == 1, count == 1 else { throw ValidationError("--grants-log records one run: give one --client and --rounds 1.") }
            scenario.recordGrants = true
        }
        let runID: String?
        do { runID = try options.settings.applySharding(sharding.settings, to: &scenario) } catch {
            throw ValidationError(error.description)
        }
        plan = (scenario, count, runID)
    }

    func run() async throws {
        // Validated here, once: a refusal is still a usage error (exit 64) before any server starts.
        guard let (scenario, rounds, givenRunID) = plan else { preconditionFailure("ArgumentParser calls validate(), which plans the scenario, before run()") }
        if let shards = sharding.shards {
            do { try output.preflight() } catch { throw Terminal.environmentError("run", error) }
            return try await runLocalShards(shards, scenario: scenario)
        }
        let clients = options.clients
        if let note = options.droppedForTLS { Terminal.note(note) }
        if scenario.deployment.store != .redis, options.client == .both {
            Terminal.note("\(scenario.deployment.store.displayName) runs use lockbench's own \(scenario.deployment.store.displayName) client and run once: --client does not apply.")
        }
        if let warning = Self.insecureWarning(scenario) { Terminal.note(warning) }
        do { try output.preflight() } catch {
            throw Terminal.environmentError("run", error)
        }
        let session: HarnessSession
        let perClient = clients.map { kind in
            var run = scenario
            run.client = kind
            return run
        }
        do { session = try await HarnessSession.open(for: perClient) } catch {
            throw Terminal.environmentError("run", error)
        }
        if let fleet = session.servers.fleet {
            let tls = scenario.connection.tls != nil
            let shown = (tls ? fleet.tlsEndpoints : fleet.endpoints).map(\.description).joined(separator: " ")
            Terminal.note("started \(fleet.count) redis-server \(fleet.redisVersion): \(shown)\(tls ? " (TLS; run CA \(fleet.certificates?.caCertificate ?? "?"))" : "")")
        }
        if let summary = session.servers.sentinelSummary { Terminal.note(summary) }
        if let summary = session.servers.storeSummary { Terminal.note(summary) }
        if let note = session.servers.storeTTLNote(for: scenario) { Terminal.note(note) }
        if let cluster = session.servers.cluster, session.servers.fleet !== cluster {
            let shown = scenario.connection.tls != nil ? cluster.tlsEndpoints : cluster.endpoints
            Terminal.note("started a cluster of \(cluster.count) redis-server \(cluster.redisVersion): \(shown.map(\.description).joined(separator: " "))")
        }
        let showProgress = Terminal.showsProgress
        let runID = givenRunID ?? RunIdentity.makeRunID()
        if let shard = scenario.shard { Terminal.note("shard \(shard) of run \(runID): contenders \(scenario.localContenders) of \(scenario.contenders), waiting up to \(Self.seconds(shard.barrierTimeoutS)) for the others") }
        let outcome = await session.rounds(
            scenario, clients: clients, rounds: rounds, runID: runID, prefix: "lockbench:\(runID):",
            starting: { _, kind in
                if showProgress { Terminal.endProgress() }
                Terminal.note(Self.describe(scenario, on: kind))
            },
            progress: { snapshot in if showProgress { Terminal.progress(ProgressLine.render(snapshot)) } })
        if showProgress { Terminal.endProgress() }
        let interrupted = session.interrupted
        await session.close()
        try report(outcome, clients: clients, interrupted: interrupted)
    }

    func report(_ outcome: RoundsOutcome, clients: [RedisClientKind], interrupted: Bool) throws {
        let rounds = outcome.rounds
        let results = RoundSummary.medianRuns(rounds, clients: clients)
        if !results.isEmpty {
            let paired = RoundSummary.pairedRatios(rounds)
            // With paired rounds their median and range replace the column: a ratio of two median
            // rounds, picked separately, would be a third figure that need not agree with either.
            print(SummaryTable.render(results, ratios: paired.isEmpty ? .clientCost : .none), terminator: "")
            if let text = RoundSummary.render(paired) { print(text) }
            for line in results.compactMap(Self.shardLine) { print(line) }
            if let warning = Self.insecureWarning(results[0].scenario) { print(warning) }
            for result in results {
                for note in RunChecks.notes(result) { print("note (\(result.scenario.client)): \(note)") }
                for (kind, message) in (result.measurements.errorExamples ?? [:]).sorted(by: { $0.key < $1.key }).prefix(5) {
                    print("first \(kind) error (\(result.scenario.client)): \(message)")
                }
            }
            do {
                for path in try output.write(results) { Terminal.note("wrote \(path)") }
            } catch {
                throw Terminal.environmentError("run", error)
            }
        }
        if let error = outcome.error {
            throw Terminal.environmentError("run", error)
        }
        if interrupted { throw ExitCode(130) }
        let thresholdsFailed = judgeThresholds(rounds, clients: clients)
        let failures = rounds.flatMap(\.results).compactMap { result in RunChecks.failure(result).map { (result.scenario.client, $0) } }
        for (client, failure) in failures { Terminal.error("bench run (\(client)): \(failure)") }
        if !failures.isEmpty || thresholdsFailed { throw ExitCode(1) }
    }

    /// A shard's line under the summary: which slice it ran and its clock against the server's.
    static func shardLine(_ result: RunResult) -> String? {
        guard let shard = result.scenario.shard else { return nil }
        let clock = result.clockOffset.map { String(format: "clock offset to the server %+.0f µs ± %.0f µs", $0.offsetUs, $0.uncertaintyUs) } ?? "clock offset not measured"
        return "\(result.scenario.client): shard \(shard) of run \(result.identity.runID), contenders \(result.scenario.localContenders) of \(result.scenario.contenders); \(clock)"
    }

    /// The loud line `--tls-insecure` earns, at the start and under the summary.
    static func insecureWarning(_ scenario: Scenario) -> String? {
        guard scenario.connection.tls?.insecure == true else { return nil }
        return "WARNING: --tls-insecure: the server's certificate and name were NOT verified; these figures are for an encrypted but unauthenticated link."
    }

    static func seconds(_ s: Double) -> String { s.rounded() == s ? "\(Int(s)) s" : String(format: "%.1f s", s) }

    static func describe(_ s: Scenario, on kind: RedisClientKind) -> String {
        "\(s.deployment.store == .redis ? kind.rawValue : s.deployment.topologyName): \(s.contenders) contenders on \(s.keys) keys, \(s.lock.algorithm)/\(s.lock.wait.kind), \(seconds(s.warmupS)) warm-up + \(seconds(s.durationS))"
    }
}
