import TestSupport
import Foundation
import Locks
import RESP
import RedisConnection
import Testing

/// Server commands per successful acquisition at 64 contenders on one key, per wait strategy.
///
/// Two figures per strategy: commands the clients sent (an EVALSHA is one) and what the server counted
/// (`total_commands_processed` delta, which also counts every `redis.call` inside a script). Both are
/// printed as `lock-cost:` lines; the assertions are the design bounds, on counts, not on time.
@Suite("Command cost")
struct CommandCostTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var wait: WaitStrategy
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        .init(name: "spin", wait: .spin),
        .init(name: "fixed 1 ms", wait: .fixed(delay: 1)),
        .init(name: "backoff (defaults)", wait: .backoff()),
        .init(name: "backoff base 1 ms cap 50 ms", wait: .backoff(base: 1, cap: 50)),
        .init(name: "pubsub (defaults)", wait: .pubsub()),
        .init(name: "fifo (defaults)", wait: .fifo()),
    ]

    static func info(_ client: RedisClientKind, _ endpoint: Endpoint) async throws -> (total: Int, perCommand: [String: Int]) {
        let stats = try await inspect(client, endpoint, ["INFO", "stats"]).string ?? ""
        let commandStats = try await inspect(client, endpoint, ["INFO", "commandstats"]).string ?? ""
        var total = 0
        for line in stats.split(whereSeparator: \.isNewline) where line.hasPrefix("total_commands_processed:") {
            total = Int(line.split(separator: ":")[1]) ?? 0
        }
        var perCommand: [String: Int] = [:]
        for line in commandStats.split(whereSeparator: \.isNewline) where line.hasPrefix("cmdstat_") {
            let name = line.dropFirst("cmdstat_".count).prefix { $0 != ":" }
            // `cmdstat_set:calls=1,usec=…,rejected_calls=0,failed_calls=0`: the first `calls=` field.
            if let calls = line.split(separator: "calls=").dropFirst().first?.prefix(while: \.isNumber), let n = Int(calls) {
                perCommand[String(name)] = n
            }
        }
        return (total, perCommand)
    }

    @Test("64 contenders on one key: commands per acquisition by wait strategy", arguments: allClients, cases)
    func perAcquisition(client: RedisClientKind, testCase: Case) async throws {
        let wait = testCase.wait.kind
        try await withFleet { fleet in
            let spec = LockSpec(algorithm: .setnxPX, wait: testCase.wait, ttlMs: 10_000)
            try await withHarness(spec: spec, client: client, endpoints: fleet.endpoints, queues: 2) { harness in
                let key = uniquePrefix() + "k"
                let witness = MutexWitness()
                let before = try await Self.info(client, fleet.endpoints[0])
                let stats = await runContenders(harness, perContext: 32, key: key, rounds: 4, holdMs: 1, witness: witness)
                let after = try await Self.info(client, fleet.endpoints[0])
                let counters = await harness.counters()
                #expect(stats.grants == 256 && witness.overlaps == 0)
                // The two INFO calls of `before` are counted in `after`.
                let server = Double(after.total - before.total - 2) / Double(stats.grants)
                let sent = Double(counters.commands) / Double(stats.grants)
                var breakdown = after.perCommand.compactMap { name, calls -> (String, Int)? in
                    let delta = calls - (before.perCommand[name] ?? 0) - (name == "info" ? 2 : 0)
                    return delta > 0 ? (name, delta) : nil
                }
                breakdown.sort { $0.1 > $1.1 }
                let perCommand = breakdown.map { "\($0.0)=\(String(format: "%.2f", Double($0.1) / Double(stats.grants)))" }
                print(String(format: "lock-cost: %@ %@ × %@: sent %.2f, server %.2f commands/acquisition, attempts %.2f; %@",
                             "\(client)", "setnx-px", testCase.name, sent, server, Double(stats.attempts) / Double(stats.grants),
                             perCommand.joined(separator: " ")) + " fallbacks \(counters.fallbacks) wakeups \(counters.wakeups)")
                // Bounds on commands sent (a script is one command; `server` adds its redis.calls). FIFO is
                // two scripts per acquisition unless a fallback poll runs; the others depend on scheduling,
                // so their bound only catches a regression to herd or spin behaviour (tens per acquisition).
                if wait == .fifo {
                    #expect(sent <= 3, "\(testCase.name): \(sent) commands sent per acquisition")
                } else if (wait == .pubsub || wait == .backoff) && testCase.name.hasSuffix("(defaults)") {
                    #expect(sent <= 8, "\(testCase.name): \(sent) commands sent per acquisition")
                }
            }
        }
    }
}
