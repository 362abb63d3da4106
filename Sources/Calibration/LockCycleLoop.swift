import Dispatch
import Locks
import RedisConnection
import Stats

/// Uncontended `setnx-px` acquire + release, one after the other on one connection: the lock layer's
/// cost over two bare round trips.
public struct LockCycleResult: Sendable {
    /// Acquire round trips, µs, sorted.
    public var acquireUs: [Double]
    /// Whole cycles (acquire + release), µs, sorted.
    public var cycleUs: [Double]

    /// Makes a result from sorted samples.
    public init(acquireUs: [Double], cycleUs: [Double]) {
        self.acquireUs = acquireUs
        self.cycleUs = cycleUs
    }

    /// Median acquire, µs.
    public var acquireP50: Double { Statistics.percentile(sorted: acquireUs, 50) ?? .nan }
    /// Median cycle, µs.
    public var cycleP50: Double { Statistics.percentile(sorted: cycleUs, 50) ?? .nan }
}

/// Runs `cycles` acquire/release pairs with one locker, in callbacks on its context's queue.
public enum LockCycle {
    /// Opens a context on `endpoint` with `connector`, runs the cycles, closes it.
    public static func run(
        connector: any RedisConnector, endpoint: Endpoint, cycles: Int, keyPrefix: String, options: ConnectionOptions = ConnectionOptions()
    ) async throws -> LockCycleResult {
        let queue = DispatchQueue(label: "lockbench.calibrate.lock")
        let wheel = TimerWheel(queue: queue)
        let spec = LockSpec(algorithm: .setnxPX, wait: .spin, ttlMs: 10_000)
        let context = try await LockContext.open(spec: spec, connector: connector, endpoints: [endpoint], wheel: wheel, seed: 1, options: options)
        let loop = CycleLoop(context: context, cycles: cycles, key: keyPrefix + "cycle")
        let result = await loop.run()
        queue.async { context.close(); wheel.invalidate() }
        return result
    }
}

final class CycleLoop: @unchecked Sendable {
    // @unchecked: confined to the context's queue after `run` hops there.
    let context: LockContext
    let cycles: Int
    let key: String
    var locker: Locker?
    var acquire: [Double] = []
    var cycle: [Double] = []
    var startedAt: UInt64 = 0
    var finish: (@Sendable (LockCycleResult) -> Void)?

    init(context: LockContext, cycles: Int, key: String) {
        self.context = context
        self.cycles = cycles
        self.key = key
        acquire.reserveCapacity(cycles)
        cycle.reserveCapacity(cycles)
    }

    func run() async -> LockCycleResult {
        await withCheckedContinuation { continuation in
            finish = { continuation.resume(returning: $0) }
            context.queue.async {
                self.locker = self.context.makeLocker()
                self.next()
            }
        }
    }

    func next() {
        guard cycle.count < cycles, let locker else {
            acquire.sort()
            cycle.sort()
            finish?(LockCycleResult(acquireUs: acquire, cycleUs: cycle))
            finish = nil
            return
        }
        startedAt = LockClock.monotonicNanos()
        locker.acquire(key: key, deadlineNanos: nil) { outcome in
            let granted = LockClock.monotonicNanos()
            guard let grant = outcome.grant else {
                // Uncontended, a refusal means something else holds the key: stop with what was measured.
                self.acquire.sort()
                self.cycle.sort()
                self.finish?(LockCycleResult(acquireUs: self.acquire, cycleUs: self.cycle))
                self.finish = nil
                return
            }
            self.acquire.append(Double(granted - self.startedAt) / 1_000)
            locker.release(grant) { _ in
                self.cycle.append(Double(LockClock.monotonicNanos() - self.startedAt) / 1_000)
                self.next()
            }
        }
    }
}
