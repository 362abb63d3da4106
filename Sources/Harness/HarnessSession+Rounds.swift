import LoadDriver
import RedisConnection

/// One round of a comparison: each client once, in the round's order.
public struct Round: Sendable {
    /// 0-based.
    public var index: Int
    /// The clients in the order they ran (or were to run).
    public var order: [RedisClientKind]
    /// The runs that produced figures, in order.
    public var results: [RunResult]

    /// Every client ran, none cut short or ended by an error.
    public var isComplete: Bool {
        results.count == order.count && results.allSatisfy { !$0.partial && $0.error == nil }
    }
}

/// The rounds a session ran, and why it stopped early if it could not go on.
public struct RoundsOutcome: Sendable {
    /// Rounds with at least one run, in order.
    public var rounds: [Round] = []
    /// A run that could not start (a server gone, the handshake refused): the rounds before it stand.
    public var error: HarnessError?
}

extension HarnessSession {
    /// Runs `scenario` on each of `clients` per round, the order alternating (`ClientOrder`), each
    /// run under its own key prefix. Stops after Ctrl-C or a run that ended with an error (a server
    /// died): later runs would measure a broken deployment.
    public func rounds(
        _ scenario: Scenario, clients: [RedisClientKind], rounds count: Int, runID: String, prefix: String,
        starting: (@Sendable (Int, RedisClientKind) -> Void)? = nil,
        progress: (@Sendable (ProgressSnapshot) -> Void)? = nil,
        finished: (@Sendable (Round) -> Void)? = nil
    ) async -> RoundsOutcome {
        await rounds(
            clients: clients, rounds: count, runID: runID, prefix: prefix,
            scenario: { kind in
                var run = scenario
                run.client = kind
                return run
            },
            starting: starting, progress: progress, finished: finished)
    }

    /// As above, with each client's scenario from `scenario` (e.g. a slowdown injected into one client
    /// only, as the gate does to prove it catches one).
    public func rounds(
        clients: [RedisClientKind], rounds count: Int, runID: String, prefix: String,
        scenario: (RedisClientKind) -> Scenario,
        starting: (@Sendable (Int, RedisClientKind) -> Void)? = nil,
        progress: (@Sendable (ProgressSnapshot) -> Void)? = nil,
        finished: (@Sendable (Round) -> Void)? = nil
    ) async -> RoundsOutcome {
        var outcome = RoundsOutcome()
        for (index, order) in ClientOrder.interleaved(clients, rounds: count).enumerated() {
            if interrupted { break }
            var round = Round(index: index, order: order, results: [])
            var fatal = false
            for kind in order {
                if interrupted { break }
                let run = scenario(kind)
                starting?(index, kind)
                let result: RunResult
                do { result = try await self.run(run, runID: runID, keyPrefix: "\(prefix)\(index):\(kind):", progress: progress) } catch {
                    outcome.error = error
                    break
                }
                round.results.append(result)
                if result.error != nil { fatal = true; break }
            }
            if !round.results.isEmpty { outcome.rounds.append(round) }
            finished?(round)
            if fatal || outcome.error != nil { break }
        }
        return outcome
    }
}
