import TestSupport
import Dispatch
import Locks
import RESP
import RedisConnection
import Testing

/// Starts one waiter on its context's queue: acquire, record, release.
private func startWaiter(_ locker: Locker, key: String, index: Int, timeoutMs: Int, granted: Collector<(Int, LockGrant)>,
                         ended: Collector<AcquireOutcome>) {
    locker.context.queue.async {
        locker.acquire(key: key, deadlineNanos: LockClock.monotonicNanos() + UInt64(timeoutMs) * 1_000_000) { outcome in
            guard case .granted(let grant) = outcome else { return ended.append(outcome) }
            granted.append((index, grant))
            locker.release(grant) { _ in ended.append(outcome) }
        }
    }
}

struct PubSubCase: Sendable, CustomTestStringConvertible {
    var algorithm: LockAlgorithmKind
    var wakeAll: Bool
    var testDescription: String { "\(algorithm)\(wakeAll ? " wake-all" : " wake-one")" }
}

/// `pubsub` and `fifo`: waiters sleep until a message, not a timer; FIFO serves in arrival order.
@Suite("Wait strategies")
struct WaitStrategyTests {
    static let pubsubCases: [PubSubCase] = [
        .init(algorithm: .setnxPX, wakeAll: false), .init(algorithm: .setnxPX, wakeAll: true),
        .init(algorithm: .naiveGetdel, wakeAll: false), .init(algorithm: .legacyGetset, wakeAll: false),
        .init(algorithm: .fenced, wakeAll: false),
    ]

    @Test("pubsub: every waiter is woken by release messages (fallback timer longer than the deadline)",
          arguments: allClients, pubsubCases)
    func pubsubWakes(client: RedisClientKind, testCase: PubSubCase) async throws {
        try await withFleet { fleet in
            let spec = LockSpec(algorithm: testCase.algorithm,
                                wait: .pubsub(fallback: 60_000, wakeAll: testCase.wakeAll), ttlMs: 10_000)
            try await withHarness(spec: spec, client: client, endpoints: fleet.endpoints, queues: 2) { harness in
                let key = uniquePrefix() + "k"
                let holder = await harness.locker(0)
                guard case .granted(let grant) = await holder.acquire(key: key, timeoutMs: 5_000) else { Issue.record("no grant"); return }
                let granted = Collector<(Int, LockGrant)>()
                let ended = Collector<AcquireOutcome>()
                for i in 0..<8 {
                    startWaiter(await harness.locker(i % 2), key: key, index: i, timeoutMs: 20_000, granted: granted, ended: ended)
                }
                // Every waiter has failed its attempt and is parked on a confirmed subscription, so the
                // release is what must wake them.
                #expect(await eventually {
                    var parked = 0
                    for context in harness.contexts { parked += await context.onQueue { context.parkedWaiters } }
                    return parked == 8
                })
                #expect(granted.count == 0)
                #expect(await holder.release(grant).outcome == .released)
                #expect(await ended.wait(for: 8, boundSeconds: 30))
                #expect(granted.count == 8, "\(ended.items.map(\.brief))")
                let counters = await harness.counters()
                #expect(counters.fallbacks == 0, "no waiter may need its fallback timer")
                // Later waiters may also win on their own retry (after seeing a release they missed).
                #expect(counters.wakeups >= 1)
                #expect(counters.subscriptionCommands >= 2, "one SUBSCRIBE per queue, not per waiter")
                #expect(counters.subscriptionCommands <= 8)
            }
        }
    }

    @Test("fifo: grants follow arrival order across queues; an abandoned (expired) ticket is skipped",
          arguments: allClients, [LockAlgorithmKind.setnxPX, .fenced])
    func fifoOrder(client: RedisClientKind, algorithm: LockAlgorithmKind) async throws {
        try await withFleet { fleet in
            // The holder's lease outlives the set-up (six waiters queued one by one), however slow the
            // machine: its release is what must hand the lock on.
            let spec = LockSpec(algorithm: algorithm, wait: .fifo(fallback: 60_000, ticketTTL: 120_000),
                                ttlMs: 120_000)
            try await withHarness(spec: spec, client: client, endpoints: fleet.endpoints, queues: 2) { harness in
                let key = uniquePrefix() + "k"
                let queueKey = LockKeys.queue(key)
                let holder = await harness.locker(0)
                guard case .granted(let grant) = await holder.acquire(key: key, timeoutMs: 5_000) else { Issue.record("no grant"); return }
                let granted = Collector<(Int, LockGrant)>()
                let ended = Collector<AcquireOutcome>()
                var tickets = 0
                for i in 1...6 {
                    startWaiter(await harness.locker(i % 2), key: key, index: i, timeoutMs: 30_000, granted: granted, ended: ended)
                    tickets += 1
                    let expected = tickets
                    #expect(await eventually { await probe(client, fleet.endpoints[0], ["LLEN", .string(queueKey)]) == .integer(Int64(expected)) })
                    if i == 3 {
                        // A waiter that vanished: its ticket's deadline (server ms) is long past.
                        _ = await probe(client, fleet.endpoints[0], ["RPUSH", .string(queueKey), "deadbeefdeadbeefdeadbeefdeadbeef"])
                        _ = await probe(client, fleet.endpoints[0], ["HSET", .string(LockKeys.queueDeadlines(key)), "deadbeefdeadbeefdeadbeefdeadbeef", "1"])
                        tickets += 1
                    }
                }
                #expect(await holder.release(grant).outcome == .released)
                #expect(await ended.wait(for: 6, boundSeconds: 30))
                let order = granted.items
                #expect(order.map(\.0) == Array(1...6), "FIFO must grant in arrival order")
                if algorithm == .fenced {
                    let fences = order.compactMap(\.1.fencingToken)
                    #expect(fences.count == 6 && zip(fences, fences.dropFirst()).allSatisfy { $0 < $1 })
                    #expect((fences.first ?? 0) > (grant.fencingToken ?? .max))
                }
                let counters = await harness.counters()
                #expect(counters.fallbacks == 0, "hand-offs, not polling")
                #expect(counters.wakeups == 6)
                #expect(await probe(client, fleet.endpoints[0], ["EXISTS", .string(key), .string(queueKey), .string(LockKeys.queueDeadlines(key))]) == .integer(0))
                // One enqueue script per waiter, one release script each: nothing else on the command path.
                #expect(order.allSatisfy { $0.1.commands == 1 && $0.1.attempts == 1 })
            }
        }
    }

    @Test("fifo: a waiter whose deadline passes withdraws its ticket; the next in line still gets the lock",
          arguments: allClients)
    func fifoTimeout(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            let spec = LockSpec(algorithm: .setnxPX, wait: .fifo(fallback: 60_000, ticketTTL: 120_000), ttlMs: 10_000)
            try await withHarness(spec: spec, client: client, endpoints: fleet.endpoints) { harness in
                let key = uniquePrefix() + "k"
                let queueKey = LockKeys.queue(key)
                let holder = await harness.locker()
                guard case .granted(let grant) = await holder.acquire(key: key, timeoutMs: 5_000) else { Issue.record("no grant"); return }
                let impatient = await harness.locker()
                let outcome = await impatient.acquire(key: key, timeoutMs: 200)
                guard case .timedOut(let summary) = outcome else { Issue.record("\(outcome.brief)"); return }
                #expect(summary.attempts == 1)
                #expect(await probe(client, fleet.endpoints[0], ["LLEN", .string(queueKey)]) == .integer(0), "ticket withdrawn")
                let granted = Collector<(Int, LockGrant)>()
                let ended = Collector<AcquireOutcome>()
                startWaiter(await harness.locker(), key: key, index: 1, timeoutMs: 20_000, granted: granted, ended: ended)
                #expect(await eventually { await probe(client, fleet.endpoints[0], ["LLEN", .string(queueKey)]) == .integer(1) })
                #expect(await holder.release(grant).outcome == .released)
                #expect(await ended.wait(for: 1))
                #expect(granted.count == 1)
            }
        }
    }
}

/// The watchdog renews every ttl/3 while held and stops on release or loss.
@Suite("Watchdog")
struct WatchdogTests {
    static let algorithms: [LockAlgorithmKind] = [.setnxPX, .fenced, .naiveGetdel, .redlock]

    @Test("keeps the lock alive across more than 3 TTLs; no renewal after release", arguments: allClients, algorithms)
    func keepsAlive(client: RedisClientKind, algorithm: LockAlgorithmKind) async throws {
        let nodes = algorithm == .redlock ? 3 : 1
        try await withFleet(count: nodes) { fleet in
            // Renewals every ttl/3; a queue stalled for most of a TTL (a loaded CI box) would lose it, and a
            // 900 ms TTL did under two concurrent suites, so the TTL leaves a loaded machine room.
            let ttl = 2_000
            let spec = testSpec(algorithm, .backoff, ttlMs: ttl, redlock: RedlockSpec(nodes: nodes, perNodeTimeoutMs: 500))
            try await withHarness(spec: spec, client: client, endpoints: fleet.endpoints) { harness in
                let key = uniquePrefix() + "k"
                let locker = await harness.locker()
                guard case .granted(let grant) = await locker.acquire(key: key, timeoutMs: 5_000) else { Issue.record("no grant"); return }
                let events = Collector<WatchdogEvent>()
                let context = harness.context
                _ = await context.onQueue { locker.startWatchdog(grant) { events.append($0) } }
                try await Task.sleep(for: .milliseconds(ttl * 7 / 2)) // 3.5 TTLs
                for endpoint in fleet.endpoints {
                    #expect(await probe(client, endpoint, ["GET", .string(key)]).string == grant.token, "the lock expired under the watchdog")
                }
                #expect(await locker.release(grant).outcome == .released)
                let atRelease = events.items
                let renewals = atRelease.compactMap { if case .renewed(let r) = $0 { return r } else { return nil } }
                #expect(renewals.count >= 3, "renewals every ttl/3")
                #expect(renewals.count == atRelease.count, "no loss while held")
                #expect(renewals.map(\.sequence) == Array(1...max(1, renewals.count)))
                try await Task.sleep(for: .milliseconds(ttl * 3 / 2))
                #expect(events.count == atRelease.count, "the watchdog must stop on release")
                for endpoint in fleet.endpoints {
                    #expect(await probe(client, endpoint, ["EXISTS", .string(key)]) == .integer(0))
                }
                #expect(await harness.counters().watchdogRenewals == renewals.count)
            }
        }
    }

    @Test("reports the loss once when the lock is gone, then stops", arguments: allClients)
    func reportsLoss(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            try await withHarness(spec: testSpec(.setnxPX, .backoff, ttlMs: 300), client: client, endpoints: fleet.endpoints) { harness in
                let key = uniquePrefix() + "k"
                let locker = await harness.locker()
                guard case .granted(let grant) = await locker.acquire(key: key, timeoutMs: 5_000) else { Issue.record("no grant"); return }
                let events = Collector<WatchdogEvent>()
                _ = await harness.context.onQueue { locker.startWatchdog(grant) { events.append($0) } }
                _ = await probe(client, fleet.endpoints[0], ["DEL", .string(key)])
                #expect(await eventually { events.items.contains { if case .lost = $0 { return true } else { return false } } })
                try await Task.sleep(for: .milliseconds(300))
                let losses = events.items.filter { if case .lost = $0 { return true } else { return false } }
                #expect(losses.count == 1 && losses == [events.items.last!])
                if case .lost(let loss) = losses.first { #expect(loss.outcome == .notOwner) }
                #expect(await harness.counters().watchdogLosses == 1)
            }
        }
    }
}
