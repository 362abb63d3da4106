import TestSupport
import Locks
import RedisConnection
import Testing

/// One algorithm × wait strategy combination to run under contention.
struct ExclusionCase: Sendable, CustomTestStringConvertible {
    var algorithm: LockAlgorithmKind
    var wait: WaitStrategy.Kind
    var testDescription: String { "\(algorithm) × \(wait)" }
}

/// Safe algorithms under contention: many contenders on one key, two queues, each holding briefly and
/// writing to a witness that detects overlap.
@Suite("Mutual exclusion")
struct MutualExclusionTests {
    static let cases: [ExclusionCase] = [
        .init(algorithm: .setnxPX, wait: .spin), .init(algorithm: .setnxPX, wait: .fixed),
        .init(algorithm: .setnxPX, wait: .backoff), .init(algorithm: .setnxPX, wait: .pubsub),
        .init(algorithm: .setnxPX, wait: .fifo),
        .init(algorithm: .fenced, wait: .backoff), .init(algorithm: .fenced, wait: .pubsub), .init(algorithm: .fenced, wait: .fifo),
        .init(algorithm: .redlock, wait: .spin), .init(algorithm: .redlock, wait: .backoff),
    ]

    @Test("0 overlaps; every contender finishes every round; fencing tokens strictly increase",
          arguments: allClients, cases)
    func exclusive(client: RedisClientKind, testCase: ExclusionCase) async throws {
        let nodes = testCase.algorithm == .redlock ? 5 : 1
        try await withFleet(count: nodes) { fleet in
            // hold (1 ms) ≪ validity (ttl 5 s − elapsed − drift): the condition Redlock's safety needs.
            let harness = try await LockHarness.make(spec: testSpec(testCase.algorithm, testCase.wait), client: client,
                                                     endpoints: fleet.endpoints, queues: 2)
            let key = uniquePrefix() + "k"
            let witness = MutexWitness()
            let fenced = FencedResource()
            let perContext = 8, rounds = 8
            let stats = await runContenders(harness, perContext: perContext, key: key, rounds: rounds, holdMs: 1,
                                            witness: witness, fenced: fenced)
            let counters = await harness.counters()
            await harness.close()

            let total = 2 * perContext * rounds
            #expect(stats.failures.isEmpty, "\(stats.failures.prefix(3))")
            #expect(stats.grants == total, "timed out \(stats.timedOut), gave up \(stats.gaveUp)")
            #expect(witness.overlaps == 0, "two holders at once")
            #expect(witness.entries == total && witness.holders == 0 && witness.unbalancedExits == 0)
            #expect(stats.releases == ["released": total], "\(stats.releases)")
            #expect(counters.granted == total && counters.released == total)
            if testCase.algorithm == .fenced {
                #expect(stats.fences.count == total)
                #expect(zip(stats.fences, stats.fences.dropFirst()).allSatisfy { $0 < $1 }, "fencing tokens must strictly increase in grant order")
                #expect(fenced.rejectedWrites == 0 && fenced.acceptedWrites == total)
            }
            if testCase.wait == .pubsub || testCase.wait == .fifo {
                #expect(counters.wakeups > 0, "waiters must be woken by messages")
            }
            // No lock key left behind (fifo: no ticket either).
            let leftover = try await inspect(client, fleet.endpoints[0], ["EXISTS", .string(key), .string(LockKeys.queue(key)), .string(LockKeys.queueDeadlines(key))])
            #expect(leftover == .integer(0))
        }
    }
}
