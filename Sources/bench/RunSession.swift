import BenchMetrics
import Foundation
import HiredisClient
import LoadDriver
import NativeClient
import RedisConnection
import RedisFleet
import Reports
import Synchronization

/// Carries out a planned run: servers (named or embedded), each client in turn, Ctrl-C handling.
final class RunSession: Sendable {
    let plan: PlannedRun
    let rounds: Int
    let current = Mutex<LoadRun?>(nil)
    let interrupted = Mutex(false)

    struct Outcome {
        var results: [RunResult] = []
        var environmentError: String?
        var interrupted = false
    }

    init(plan: PlannedRun, rounds: Int) {
        self.plan = plan
        self.rounds = rounds
    }

    static func connector(_ kind: RedisClientKind) -> any RedisConnector {
        switch kind {
        case .native: return NativeConnector()
        case .hiredis: return HiredisConnector()
        }
    }

    /// The clients in run order: interleaved rounds so drift on a noisy machine hits both alike.
    var order: [RedisClientKind] {
        guard plan.clients.count == 2 else { return Array(repeating: plan.clients[0], count: rounds) }
        var sequence: [RedisClientKind] = []
        for round in 0..<rounds {
            sequence += round % 2 == 0 ? plan.clients : plan.clients.reversed()
        }
        return sequence
    }

    func execute() async -> Outcome {
        var outcome = Outcome()
        // Ctrl-C ends the current client's window; what it measured is still reported.
        RedisFleet.setInterruptHandler { [self] signal in
            self.interrupted.withLock { $0 = true }
            self.current.withLock { $0?.interrupt(reason: "interrupted by signal \(signal)") }
        }
        defer { RedisFleet.setInterruptHandler(nil) }

        var fleet: RedisFleet?
        var endpoints = plan.endpoints
        if endpoints.isEmpty {
            do {
                let started = try await RedisFleet.start(
                    count: plan.embeddedCount, options: RedisServerOptions(transport: plan.scenario.embeddedUnix ? .unix : .tcp))
                fleet = started
                endpoints = started.endpoints
                Terminal.note("started \(plan.embeddedCount) redis-server \(started.redisVersion): \(endpoints.map(\.description).joined(separator: " "))")
            } catch {
                outcome.environmentError = "\(error)"
                return outcome
            }
        }
        let runID = RunIdentity.makeRunID()
        var scenario = plan.scenario
        scenario.servers = endpoints.map(\.description)
        var perClient: [RedisClientKind: [RunResult]] = [:]
        for (step, kind) in order.enumerated() {
            if interrupted.withLock({ $0 }) { break }
            scenario.client = kind
            let prefix = "lockbench:\(runID):\(step):"
            let run = LoadRun(scenario: scenario, connector: Self.connector(kind), endpoints: endpoints,
                              connectionOptions: plan.connection, keyPrefix: prefix)
            current.withLock { $0 = run }
            Terminal.note("\(kind): \(scenario.contenders) contenders on \(scenario.keys) keys, \(scenario.lock.algorithm)/\(scenario.lock.wait.kind), \(Int(scenario.warmupS))s warm-up + \(Int(scenario.durationS))s")
            let showProgress = Terminal.showsProgress
            do {
                let measured = try await run.run { snapshot in
                    guard showProgress else { return }
                    Terminal.progress(ProgressLine.render(snapshot))
                }
                if showProgress { Terminal.endProgress() }
                let result = RunResult(measured: measured, scenario: scenario, runID: runID, fallbackRedisVersion: fleet?.redisVersion)
                perClient[kind, default: []].append(result)
                if measured.fatalError != nil { break }
            } catch {
                if showProgress { Terminal.endProgress() }
                outcome.environmentError = "\(error)"
                break
            }
        }
        current.withLock { $0 = nil }
        await fleet?.stop()
        // With several rounds, report each client's median round by throughput: one row per client.
        for kind in plan.clients {
            guard let rows = perClient[kind], !rows.isEmpty else { continue }
            let sorted = rows.sorted { $0.measurements.acquisitionsPerSecond < $1.measurements.acquisitionsPerSecond }
            outcome.results.append(sorted[sorted.count / 2])
        }
        outcome.interrupted = interrupted.withLock { $0 }
        return outcome
    }
}
