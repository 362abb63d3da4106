import ArgumentParser
import BenchMetrics
import Foundation
import HiredisClient
import LoadDriver
import NativeClient
import RedisConnection
import RedisFleet
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

            Exit codes: 0 the run completed; 1 the run failed or was cut short (a server died, or a \
            safe algorithm showed a mutual-exclusion violation); 2 environment error (no \
            redis-server, server unreachable, output not writable); 64 usage error; 130 interrupted \
            by Ctrl-C (what was measured is still written, marked partial).
            """
    )

    @OptionGroup var options: ScenarioOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("With --client both: interleaved rounds (native, hiredis, hiredis, native, ...).", valueName: "n"))
    var rounds = 1

    func validate() throws {
        _ = try options.plan()
        guard (1...50).contains(rounds) else { throw ValidationError("--rounds must be 1...50, not \(rounds).") }
    }

    /// With one round of a contended scenario whose waiters retry on their own clocks, who wins each
    /// race decides throughput more than the client does: the gate's A/A runs of backoff scenarios
    /// moved 2-4x between jobs of the same build. Say so, rather than let one round's ratio pass as a
    /// verdict on the clients.
    static func comparisonCaution(plan: PlannedRun, rounds: Int) -> String? {
        let s = plan.scenario
        guard plan.clients.count == 2, rounds < 3, s.contenders > s.keys,
              [.spin, .fixed, .backoff, .pubsub].contains(s.lock.wait.kind) else { return nil }
        return """
            Note: one round of a contended \(s.lock.wait.kind) scenario. Which contender wins each race, and how many
            starve, decides throughput more than the client does (the default scenario's native/hiredis ratio ranged
            from 0.68x to 1.42x over runs of one build). For the clients' own cost, read client CPU/acquisition, add
            --rounds 5, or run uncontended (--keys equal to --contenders).
            """
    }

    func run() async throws {
        let plan = try options.plan()
        do { try output.preflight() } catch {
            Terminal.error("bench run: \(error)")
            throw ExitCode(2)
        }
        let session = RunSession(plan: plan, rounds: rounds)
        let outcome = await session.execute()
        var results = outcome.results
        results.sort { $0.scenario.client.rawValue > $1.scenario.client.rawValue }
        if !results.isEmpty {
            print(SummaryTable.render(outcome.results))
            if let caution = Self.comparisonCaution(plan: plan, rounds: rounds) { print(caution) }
            do {
                let written = try output.write(outcome.results)
                for path in written { Terminal.note("wrote \(path)") }
            } catch {
                Terminal.error("bench run: \(error)")
                throw ExitCode(2)
            }
        }
        if let failure = outcome.environmentError {
            Terminal.error("bench run: \(failure)")
            throw ExitCode(2)
        }
        for result in outcome.results {
            if let error = result.error {
                Terminal.error("bench run (\(result.scenario.client)): \(error). The figures above cover the \(String(format: "%.1f", result.measurements.windowS)) s measured before it; the row is marked partial.")
            }
        }
        if outcome.interrupted { throw ExitCode(130) }
        if outcome.results.contains(where: { $0.partial || $0.error != nil }) { throw ExitCode(1) }
        if outcome.results.contains(where: { Self.violatesSafety($0) }) {
            Terminal.error("bench run: \(outcome.results.first(where: Self.violatesSafety)!.scenario.lock.algorithm) showed mutual-exclusion violations; see the safety rows.")
            throw ExitCode(1)
        }
    }

    /// Safe algorithms must never overlap when holds stay inside the TTL.
    static func violatesSafety(_ result: RunResult) -> Bool {
        let scenario = result.scenario
        return result.measurements.safety.mutexOverlaps > 0
            && scenario.lock.algorithm.overlapsAreViolations(maxHoldUs: scenario.hold.maxUs, ttlMs: scenario.lock.ttlMs)
    }
}
