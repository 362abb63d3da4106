import Benchmark
import Dispatch
import HiredisClient
import Locks
import NativeClient
import RedisConnection
import RedisFleet
import Synchronization

/// Cycles per benchmark iteration: chained in callbacks on the context's queue (the measured path
/// the driver uses), with one continuation per iteration rather than one per command.
let cyclesPerIteration = 100

/// A server and one lock context per client, made in the global setup and shared by the benchmarks.
struct Bench: Sendable {
    var fleet: RedisFleet
    var lockers: [RedisClientKind: Locker]
}

let shared = Mutex<Bench?>(nil)

/// Runs `count` acquire+release cycles of one uncontended key back to back on the locker's queue.
func cycles(_ locker: Locker, key: String, count: Int) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        locker.context.queue.async {
            final class Loop: @unchecked Sendable {
                // @unchecked: touched only on the locker's queue, where every callback runs.
                var left: Int
                let done: () -> Void
                init(left: Int, done: @escaping () -> Void) { self.left = left; self.done = done }
            }
            let loop = Loop(left: count) { continuation.resume() }
            func next() {
                guard loop.left > 0 else { return loop.done() }
                loop.left -= 1
                locker.acquire(key: key, deadlineNanos: nil) { outcome in
                    guard let grant = outcome.grant else { preconditionFailure("uncontended acquire failed: \(outcome)") }
                    locker.release(grant) { _ in next() }
                }
            }
            next()
        }
    }
}

let benchmarks: @Sendable () -> Void = {
    // Malloc counts per cycle are fixed by the code path (one command, one reply each way), not by
    // timing; instructions likewise where perf counters exist. Wall clock is for reading only.
    Benchmark.defaultConfiguration = .init(
        metrics: [.instructions, .mallocCountTotal, .wallClock, .throughput, .syscalls],
        warmupIterations: 5, scalingFactor: .one, maxDuration: .seconds(2), maxIterations: 500,
        thresholds: [
            .instructions: .init(relative: [.p50: 5.0, .p90: 10.0]),
            .mallocCountTotal: .init(relative: [.p50: 2.0, .p90: 5.0]),
        ])

    Benchmark.setup = {
        let fleet = try await RedisFleet.start(count: 1)
        var lockers: [RedisClientKind: Locker] = [:]
        for kind in RedisClientKind.allCases {
            let connector: any RedisConnector = kind == .native ? NativeConnector() : HiredisConnector()
            let wheel = TimerWheel(queue: DispatchQueue(label: "lockbench.benchmark.\(kind)"))
            let context = try await LockContext.open(
                spec: LockSpec(algorithm: .setnxPX, wait: .spin, ttlMs: 10_000), connector: connector,
                endpoints: fleet.endpoints, wheel: wheel, seed: 1)
            lockers[kind] = context.makeLocker()
        }
        shared.withLock { $0 = Bench(fleet: fleet, lockers: lockers) }
    }
    Benchmark.teardown = {
        guard let bench = shared.withLock({ state -> Bench? in defer { state = nil }; return state }) else { return }
        for locker in bench.lockers.values { locker.context.close() }
        await bench.fleet.stop()
    }

    for kind in RedisClientKind.allCases {
        Benchmark("setnx-px acquire+release x\(cyclesPerIteration), \(kind)") { benchmark in
            guard let locker = shared.withLock({ $0?.lockers[kind] }) else { preconditionFailure("setup did not run") }
            for _ in benchmark.scaledIterations {
                await cycles(locker, key: "lockbench:benchmark:cycle:\(kind)", count: cyclesPerIteration)
            }
        }
    }
}
