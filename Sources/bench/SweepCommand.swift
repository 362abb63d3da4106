import ArgumentParser
import Foundation
import Harness
import LoadDriver
import Reports
import Stats
import Sweep

/// `bench sweep`: a grid of scenarios, repeated and interleaved, into one CSV, with the knee.
struct SweepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a grid of scenarios into one CSV and report the knee.",
        discussion: """
            Axis flags take comma lists; every combination is a cell, run on one client with the same \
            validation as bench run. Every other bench run scenario flag takes one value and applies to \
            all cells. Keys follow --contention (contenders per key, default 10) unless --keys is given. \
            A cell the validation refuses (e.g. redlock × fifo, hiredis × --tls on) is skipped with a \
            note; a value that no cell can use is refused. A grid may also come from --file sweep.json (flag names as keys, \
            lists for axes); command-line flags win.

            --repeat N runs every cell N times, interleaved: round r runs each cell once, in an order \
            shuffled per round with the seed. The embedded Redis servers (5 when redlock is in the grid) \
            start once for the whole sweep; an embedded etcd or ZooKeeper is replaced by fresh members \
            before each run after its first, since a consensus store carries a run's history into the next. Each finished run is appended to --csv at once (one row per run, \
            the bench run schema), so Ctrl-C keeps every finished row and marks the one cut short \
            partial; --resume then skips the runs already complete in the CSV (matched on the scenario \
            columns, endpoints and seed aside).

            The knee of each algorithm/wait/client series is the highest load (contenders, or --rate in \
            open loop) whose median p99 acquire latency over the repeats is within --slo and whose error \
            rate ((failed acquisitions + errors) per acquisition started) is within --max-error-rate, \
            with every lower load passing too. Open loop judges the p99 measured from each request's \
            intended start.

            --target redis,etcd,etcd:3,zookeeper,zookeeper:3 takes the store as an axis: each algorithm \
            runs only on the targets of its own store (etcd-mutex and etcd-lock-rpc on etcd, zk-recipe on \
            ZooKeeper), other pairs are not cells, and store cells run once on lockbench's own client.

            Exit codes: 0 the sweep completed; 1 a run failed (a server died; resume with --resume) or a \
            safe algorithm showed a mutual-exclusion violation; 2 environment error (no redis-server, \
            server unreachable, output not writable); 64 usage error; 130 interrupted by Ctrl-C.
            """
    )

    @Option(help: ArgumentHelp("Axis: stores, e.g. redis,etcd,etcd:3,zookeeper,zookeeper:3 (each algorithm runs only on targets of its store).", valueName: "list"))
    var target: String?

    @Option(help: ArgumentHelp("Axis: clients (native, hiredis; both = the two).", valueName: "list"))
    var client: String?

    @Option(help: ArgumentHelp("Axis: lock algorithms, e.g. setnx-px,redlock.", valueName: "list"))
    var algorithm: String?

    @Option(help: ArgumentHelp("Axis: wait strategies, e.g. backoff,pubsub,fifo.", valueName: "list"))
    var wait: String?

    @Option(help: ArgumentHelp("Axis (load, closed loop): contender counts, e.g. 1,10,100,1000.", valueName: "list"))
    var contenders: String?

    @Option(help: ArgumentHelp("Axis: contenders per key; keys = ⌈contenders ÷ this⌉ in each cell (default 10).", valueName: "list"))
    var contention: String?

    @Option(help: ArgumentHelp("Axis: fixed key counts (instead of --contention).", valueName: "list"))
    var keys: String?

    @Option(help: ArgumentHelp("Axis: key distributions, e.g. fixed,zipf:0.99,hotspot:20%/80%.", valueName: "list"))
    var keyDist: String?

    @Option(help: ArgumentHelp("Axis: connections per server.", valueName: "list"))
    var connections: String?

    @Option(help: ArgumentHelp("Axis: pipeline limits per connection.", valueName: "list"))
    var pipeline: String?

    @Option(help: ArgumentHelp("Axis (load, open loop): arrival rates per second, e.g. 1000,2000,4000.", valueName: "list"))
    var rate: String?

    @Option(help: ArgumentHelp("Axis: hold times, e.g. 1ms,5ms.", valueName: "list"))
    var hold: String?

    @Option(help: ArgumentHelp("Axis: think times.", valueName: "list"))
    var think: String?

    @Option(help: ArgumentHelp("Axis: lock TTLs, e.g. 1s,10s.", valueName: "list"))
    var ttl: String?

    @Option(help: ArgumentHelp("Axis: embedded deployments, e.g. standalone,cluster:3x0,sentinel:1x1.", valueName: "list"))
    var topology: String?

    @Option(help: ArgumentHelp("Axis: off,on; on is bench run's --tls (embedded servers: the run's CA; --cacert, --cert, --key, --tls-server-name, --tls-insecure apply to the on cells).", valueName: "list"))
    var tls: String?

    @Option(help: ArgumentHelp("Read the grid and scenario flags from this JSON file (see discussion).", valueName: "file"))
    var file: String?

    @Option(name: .customLong("repeat"), help: ArgumentHelp("Runs per cell, interleaved across cells (default 1).", valueName: "n"))
    var repeats: Int?

    @Option(help: ArgumentHelp("Knee: p99 acquire latency bound (default 50ms).", valueName: "time"))
    var slo: String?

    @Option(help: ArgumentHelp("Knee: error-rate bound, a fraction or a percentage (default 1%).", valueName: "rate"))
    var maxErrorRate: String?

    @Option(help: ArgumentHelp("Write the knee table to this CSV (replaced).", valueName: "file"))
    var kneeCsv: String?

    @Flag(help: "Skip runs (cell × repeat) already complete in --csv.")
    var resume = false

    @Flag(help: "Print the cells, the skipped combinations and the run order, then exit.")
    var dryRun = false

    @OptionGroup var output: OutputOptions

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Other bench run scenario flags, one value each (e.g. --duration 3s --warmup 1s --seed 7).", valueName: "bench-run-flags"))
    var scenarioFlags: [String] = []

    /// Everything the flags decide, validated.
    struct Spec {
        var plan: SweepPlan
        var repeats: Int
        var criteria: KneeCriteria
        var seed: UInt64
    }

    /// Planned once by `validate()` (a refusal is a usage error naming this command) and run by
    /// `run()`; not a flag.
    var planned: Spec?

    enum CodingKeys: CodingKey {
        case target, client, algorithm, wait, contenders, contention, keys, keyDist, connections, pipeline, rate, hold, think, ttl, topology, tls
        case file, repeats, slo, maxErrorRate, kneeCsv, resume, dryRun, output, scenarioFlags
    }

    mutating func validate() throws {
        if output.grantsLog != nil { throw ValidationError("--grants-log records one run: use it with bench run, not bench sweep.") }
        if resume && output.csv == nil { throw ValidationError("--resume needs --csv FILE: the runs to skip are read from it.") }
        planned = try spec()
    }

    func spec() throws -> Spec {
        var sweepFile: SweepFile?
        if let file {
            do { sweepFile = try SweepFile(path: file) } catch { throw ValidationError(error.message) }
        }
        if let sweepFile {
            do { _ = try ScenarioOptions.parse(sweepFile.arguments) } catch {
                throw ValidationError("\(file!): \(ScenarioOptions.message(for: error))")
            }
        }
        let tlsAxis = tls ?? sweepFile?.axes[.tls]
        // With the axis, the TLS detail flags are parsed as bench run parses them after --tls; the
        // off cells then drop them.
        let base = (sweepFile?.arguments ?? []) + scenarioFlags + (tlsAxis == nil ? [] : ["--tls"])
        let defaults: ScenarioOptions
        do { defaults = try ScenarioOptions.parse(base) } catch { throw ValidationError(ScenarioOptions.message(for: error)) }
        if tlsAxis == nil, let flag = defaults.tlsOnlyFlag {
            throw ValidationError("\(flag) is a TLS setting: add --tls on (or --tls off,on to compare), or drop \(flag).")
        }

        var lists: [SweepAxis: String] = sweepFile?.axes ?? [:]
        let given: [SweepAxis: String?] = [
            .target: target, .client: client, .algorithm: algorithm, .wait: wait, .contenders: contenders, .contention: contention, .keys: keys,
            .keyDist: keyDist, .connections: connections, .pipeline: pipeline, .rate: rate, .hold: hold, .think: think, .ttl: ttl, .topology: topology,
            .tls: tls,
        ]
        // keys and contention are alternatives: either on the command line replaces both from the file.
        if keys != nil || contention != nil {
            lists[.keys] = nil
            lists[.contention] = nil
        }
        for (axis, value) in given { if let value { lists[axis] = value } }
        // Strategy and client always label the cells, so they are axes even with one value.
        if lists[.client] == nil { lists[.client] = "both" }
        if lists[.algorithm] == nil { lists[.algorithm] = Self.defaultAlgorithms(defaults, targets: lists[.target]) }
        // A grid with a consensus store leaves the wait to each algorithm's default (watch there, backoff on Redis).
        if lists[.wait] == nil, let wait = defaults.wait ?? (lists[.algorithm].map(Self.allRedis) == true ? .backoff : nil) {
            lists[.wait] = wait.rawValue
        }

        let grid: SweepGrid
        do { grid = try SweepGrid(lists: lists) } catch { throw ValidationError(error.message) }
        if defaults.passwordEnv != nil && defaults.passwordFile != nil {
            throw ValidationError("--password-env and --password-file are alternatives: give one.")
        }
        let plan: SweepPlan
        do { plan = try SweepPlan.make(grid: grid, base: defaults.settings) } catch {
            throw ValidationError(error.message)
        }

        let repeatCount = repeats ?? sweepFile?.repeats ?? 1
        guard (1...100).contains(repeatCount) else { throw ValidationError("--repeat '\(repeatCount)' is invalid: use 1...100.") }
        let sloText = slo ?? sweepFile?.slo ?? "50ms"
        guard case .fixed(let sloUs)? = try? TimeDistribution(parsing: sloText), sloUs > 0 else {
            throw ValidationError("--slo '\(sloText)' is invalid: give a duration above 0 such as 50ms or 500us.")
        }
        let errorText = maxErrorRate ?? sweepFile?.maxErrorRate ?? "1%"
        guard let fraction = Self.fraction(errorText) else {
            throw ValidationError("--max-error-rate '\(errorText)' is invalid: give a fraction in [0, 1] such as 0.01, or a percentage such as 1%.")
        }
        return Spec(plan: plan, repeats: repeatCount, criteria: KneeCriteria(sloUs: Double(sloUs), maxErrorRate: fraction),
                    seed: defaults.seed ?? UInt64.random(in: 1...UInt64(UInt32.max)))
    }

    /// `0.01` or `1%` as a fraction in [0, 1].
    static func fraction(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let value = trimmed.hasSuffix("%") ? Double(trimmed.dropLast()).map { $0 / 100 } : Double(trimmed)
        guard let value, value.isFinite, (0...1).contains(value) else { return nil }
        return value
    }

    func run() async throws {
        guard let spec = planned else { preconditionFailure("ArgumentParser calls validate(), which plans the sweep, before run()") }
        let plan = spec.plan
        var earlierRows: [SummaryRow] = []
        if resume, let csv = output.csv {
            do { earlierRows = try SweepResume.completedRows(csvPath: csv) } catch {
                throw Terminal.environmentError("sweep", error)
            }
        }
        let done = SweepResume.done(cells: plan.cells, rows: earlierRows, repeats: spec.repeats)
        let schedule = SweepSchedule.order(cellCount: plan.cells.count, repeats: spec.repeats, done: done, seed: spec.seed)
        let planned = schedule.map { plan.cells[$0.cell].scenario }.map { $0.warmupS + $0.durationS }
        let skippedRuns = done.reduce(0, +)
        var header = "sweep: \(plan.cells.count) cell\(plan.cells.count == 1 ? "" : "s") × \(spec.repeats) repeat\(spec.repeats == 1 ? "" : "s")"
        if resume { header += ", \(skippedRuns) run\(skippedRuns == 1 ? "" : "s") already in \(output.csv ?? "")" }
        header += ": \(schedule.count) run\(schedule.count == 1 ? "" : "s"), \(SweepProgress.duration(planned.reduce(0, +))) of warm-up and windows plus setup; seed \(spec.seed)"

        if dryRun {
            print(header)
            for skipped in plan.skipped { print("skip  \(skipped.label): \(skipped.reason)") }
            for (n, run) in schedule.enumerated() {
                print("\(n + 1). round \(run.round + 1): \(plan.cells[run.cell].label)")
            }
            return
        }
        Terminal.note(header)
        for skipped in plan.skipped {
            Terminal.note("skipping \(skipped.label): \(skipped.reason)")
        }

        var earlierJSON: [RunResult] = []
        if resume, let json = output.json, let data = FileManager.default.contents(atPath: json), !data.isEmpty {
            earlierJSON = (try? JSONReportWriter.decode(data)) ?? []
        }
        let outputs = SweepOutputs(csv: output.csv, contendersCSV: output.contendersCsv, timeseriesCSV: output.timeseriesCsv,
                                   hgrm: output.hgrm, json: output.json, keysCSV: output.keysCsv, earlierJSON: earlierJSON)
        do {
            try outputs.preflight()
            if let kneeCsv { try KneeTable.preflight(path: kneeCsv) }
        } catch {
            throw Terminal.environmentError("sweep", error)
        }

        let progress = SweepProgress(planned: planned)
        let runner = SweepRunner(cells: plan.cells, schedule: schedule, seed: spec.seed, repeats: spec.repeats, progress: progress) { result in
            try outputs.write(result)
        }
        let outcome = await runner.execute()
        progress.clear()

        let rows = SweepResume.rows(earlierRows, of: plan.cells) + outcome.results.map(SummaryRow.init)
        let knees = SeriesKnee.all(rows, criteria: spec.criteria)
        if !rows.isEmpty {
            print(KneeTable.render(knees, criteria: spec.criteria), terminator: "")
            if let kneeCsv {
                do {
                    try KneeTable.writeCSV(knees, criteria: spec.criteria, to: kneeCsv)
                    Terminal.note("wrote \(kneeCsv)")
                } catch {
                    throw Terminal.environmentError("sweep", error)
                }
            }
        }
        for path in [output.csv, output.contendersCsv, output.keysCsv, output.timeseriesCsv, output.hgrm, output.json].compactMap({ $0 }) where !outcome.results.isEmpty {
            Terminal.note("wrote \(path)")
        }

        if let failure = outcome.writeError ?? outcome.environmentError {
            throw Terminal.environmentError("sweep", failure)
        }
        if outcome.interrupted {
            Terminal.error("bench sweep: interrupted; \(outcome.results.filter { !$0.partial }.count) finished run(s) are in the outputs. Run the same command with --resume to finish.")
            throw ExitCode(130)
        }
        if let failure = outcome.runError {
            Terminal.error("bench sweep: \(failure). The rows so far are written; fix the cause and run the same command with --resume.")
            throw ExitCode(1)
        }
        if let unsafe = outcome.results.first(where: RunChecks.violatesSafety) {
            Terminal.error("bench sweep: \(unsafe.scenario.lock.algorithm) showed mutual-exclusion violations (run \(unsafe.identity.runID)); see the mutex_violations column.")
            throw ExitCode(1)
        }
    }
}
