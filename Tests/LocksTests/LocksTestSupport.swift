import Dispatch
import Foundation
import HiredisClient
import Locks
import NativeClient
import RESP
import RedisConnection
import RedisFleet
import Synchronization
import Testing
import TestSupport

/// One context per queue, each with its own wheel; closed together.
struct LockHarness: Sendable {
    let contexts: [LockContext]

    static func make(
        spec: LockSpec, client: RedisClientKind, endpoints: [Endpoint], queues: Int = 1, seed: UInt64 = 42
    ) async throws -> LockHarness {
        var contexts: [LockContext] = []
        for i in 0..<queues {
            let wheel = TimerWheel(queue: DispatchQueue(label: "lockbench.test.locks.\(i)"))
            contexts.append(try await LockContext.open(
                spec: spec, connector: connector(client), endpoints: endpoints, wheel: wheel, seed: seed &+ UInt64(i)))
        }
        return LockHarness(contexts: contexts)
    }

    var context: LockContext { contexts[0] }

    func close() async {
        for context in contexts {
            await context.onQueue {
                context.close()
                context.wheel.invalidate()
            }
        }
    }

    func counters() async -> LockCounters {
        var total = LockCounters()
        for context in contexts { total.merge(await context.onQueue { context.counters }) }
        return total
    }
}

/// Sends one command on a fresh connection of its own and returns the reply (for inspecting keys).
func inspect(_ client: RedisClientKind, _ endpoint: Endpoint, _ command: [RedisArgument]) async throws -> RESPValue {
    let connection = try await connector(client).connect(to: endpoint)
    defer { connection.close() }
    return try await connection.send(command)
}

/// A value behind a `Mutex`, shareable by reference.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
    var value: Value { mutex.withLock { $0 } }
}

/// What a contender run saw.
struct RunStats: Sendable {
    var grants = 0
    var timedOut = 0
    var gaveUp = 0
    var failures: [String] = []
    var releases: [String: Int] = [:]
    /// Fencing tokens in the order holders entered the witness.
    var fences: [Int64] = []
    /// (contender, round) in grant order.
    var order: [UInt64] = []
    var attempts = 0
    var acquireCommands = 0
    var releaseCommands = 0
}

/// Runs contenders the way the driver will: callbacks on each context's queue, holds on its wheel.
///
/// Each context gets `perContext` lockers; each does `rounds` acquire → witness enter → hold → witness exit
/// → release cycles on `key`. Returns when every contender has finished.
func runContenders(
    _ harness: LockHarness, perContext: Int, key: String, rounds: Int, holdMs: Int, timeoutMs: Int = 20_000,
    witness: MutexWitness, fenced: FencedResource? = nil
) async -> RunStats {
    let stats = Locked(RunStats())
    let remaining = Locked(harness.contexts.count * perContext)
    let resumed = Locked(false)
    let finished = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
        let resumeOnce = { @Sendable (allDone: Bool) in
            if resumed.withLock({ r -> Bool in defer { r = true }; return !r }) { continuation.resume(returning: allDone) }
        }
        let done = { @Sendable in
            let left = remaining.withLock { n -> Int in n -= 1; return n }
            if left == 0 { resumeOnce(true) }
        }
        // Bounds a hang (a lost completion) so it is reported with the stuck operations, not waited out.
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(max(60, timeoutMs / 1_000 * 3))) { resumeOnce(false) }
        for (index, context) in harness.contexts.enumerated() {
            context.queue.async {
                for _ in 0..<perContext {
                    let locker = context.makeLocker()
                    let holder = UInt64(index) << 32 | locker.id
                    Contender(locker: locker, holder: holder, key: key, rounds: rounds, holdMs: holdMs, timeoutMs: timeoutMs,
                              witness: witness, fenced: fenced, stats: stats, done: done).next()
                }
            }
        }
    }
    if !finished {
        var lines: [String] = []
        for context in harness.contexts {
            lines += await context.onQueue { context.pendingDescriptions }
        }
        Issue.record("contenders did not finish: \(remaining.value) left; pending: \(lines.prefix(20))")
    }
    return stats.withLock { $0 }
}

/// One contender's loop; confined to its context's queue.
private final class Contender: @unchecked Sendable {
    // @unchecked: created and driven on its context's queue only.
    let locker: Locker
    let holder: UInt64
    let key: String
    var roundsLeft: Int
    let holdMs: Int
    let timeoutMs: Int
    let witness: MutexWitness
    let fenced: FencedResource?
    let stats: Locked<RunStats>
    let done: @Sendable () -> Void

    init(locker: Locker, holder: UInt64, key: String, rounds: Int, holdMs: Int, timeoutMs: Int, witness: MutexWitness,
         fenced: FencedResource?, stats: Locked<RunStats>, done: @escaping @Sendable () -> Void) {
        self.locker = locker; self.holder = holder; self.key = key; self.roundsLeft = rounds; self.holdMs = holdMs
        self.timeoutMs = timeoutMs; self.witness = witness; self.fenced = fenced; self.stats = stats; self.done = done
    }

    func next() {
        guard roundsLeft > 0 else { return done() }
        roundsLeft -= 1
        let deadline = LockClock.monotonicNanos() + UInt64(timeoutMs) * 1_000_000
        locker.acquire(key: key, deadlineNanos: deadline) { [self] outcome in
            switch outcome {
            case .granted(let grant):
                witness.enter(holderID: holder)
                if let fence = grant.fencingToken { fenced?.write(token: fence) }
                stats.withLock {
                    $0.grants += 1
                    $0.order.append(holder)
                    if let fence = grant.fencingToken { $0.fences.append(fence) }
                    $0.attempts += grant.attempts
                    $0.acquireCommands += grant.commands
                }
                let release = { [self] in
                    witness.exit(holderID: holder)
                    locker.release(grant) { [self] report in
                        stats.withLock {
                            $0.releases["\(report.outcome)", default: 0] += 1
                            $0.releaseCommands += report.commands
                        }
                        next()
                    }
                }
                if holdMs == 0 {
                    release()
                } else {
                    locker.context.wheel.schedule(afterNanos: UInt64(holdMs) * 1_000_000, release)
                }
            case .timedOut:
                stats.withLock { $0.timedOut += 1 }
                next()
            case .gaveUp:
                stats.withLock { $0.gaveUp += 1 }
                next()
            case .failed(let failure, _):
                stats.withLock { $0.failures.append(failure.description) }
                next()
            }
        }
    }
}

extension AcquireOutcome {
    /// A short description for expectation messages.
    var brief: String {
        switch self {
        case .granted(let g): return "granted(\(g.key), attempts: \(g.attempts))"
        case .timedOut(let s): return "timedOut(attempts: \(s.attempts))"
        case .gaveUp(let s): return "gaveUp(attempts: \(s.attempts))"
        case .failed(let f, _): return "failed(\(f))"
        }
    }
}

/// A spec with short TTLs and waits, for tests.
func testSpec(_ algorithm: LockAlgorithmKind, _ wait: WaitStrategy.Kind, ttlMs: Int = 5_000, maxAttempts: Int? = nil,
              redlock: RedlockSpec = RedlockSpec(retryDelayMinMs: 0, retryDelayMaxMs: 5, perNodeTimeoutMs: 500)) -> LockSpec {
    LockSpec(algorithm: algorithm,
             wait: WaitStrategy(wait, fixedDelay: 1, backoffBase: 1, backoffCap: 8, fallback: 200),
             ttlMs: ttlMs, redlock: redlock, maxAttempts: maxAttempts)
}

/// Makes a harness, runs `body`, and always closes it.
func withHarness<R>(
    spec: LockSpec, client: RedisClientKind, endpoints: [Endpoint], queues: Int = 1,
    _ body: (LockHarness) async throws -> R
) async throws -> R {
    let harness = try await LockHarness.make(spec: spec, client: client, endpoints: endpoints, queues: queues)
    do {
        let result = try await body(harness)
        await harness.close()
        return result
    } catch {
        await harness.close()
        throw error
    }
}

extension LockHarness {
    /// A new locker on context `index`.
    func locker(_ index: Int = 0, clockOffsetMs: Int64 = 0) async -> Locker {
        let context = contexts[index]
        return await context.onQueue { context.makeLocker(clockOffsetMs: clockOffsetMs) }
    }
}

/// `inspect` that turns a transport failure into an error value, for use inside `#expect`.
func probe(_ client: RedisClientKind, _ endpoint: Endpoint, _ command: [RedisArgument]) async -> RESPValue {
    do { return try await inspect(client, endpoint, command) } catch { return .simpleError("probe failed: \(error)") }
}
