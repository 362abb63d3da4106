import CLockCycle
import Foundation
import LoadDriver
import Locks
import POSIX
import RedisConnection

/// The lock cycle run by a C client through hiredis (`CLockCycle`): `SET key token NX PX ttl`, then the
/// compare-and-delete `EVALSHA`, with the scenario's contenders, keys, connections, threads (its lanes)
/// and pipeline cap, hold 0. No Swift code is on its path, so a slowdown in a layer both Swift clients
/// share (Locks, LoadDriver, BenchMetrics) moves them against it, where native ÷ hiredis cancels it.
public struct CReferenceCycle: Sendable, Hashable {
    /// Acquisitions started and granted inside the window.
    public var acquisitions: Int
    /// Acquisitions per second over the window.
    public var cyclesPerSecond: Double
    /// `SET NX` replies that found the key taken (contenders sharing keys retry at once, as spin does).
    public var busyReplies: Int
    /// Error replies.
    public var errors: Int
    /// CPU of the C loop's threads per acquisition over the window, µs: the client cost a Swift client's
    /// CPU per cycle is held against.
    public var cpuPerCycleUs: Double?
    /// Acquire latency percentiles over the window, µs.
    public var acquireP50Us: Double?
    public var acquireP99Us: Double?

    /// The name its runs carry where client names go (gate rounds, tables).
    public static let name = "c-reference"

    /// Why `scenario` is not the cycle the C client runs, or `nil` when it is: `setnx-px`, spin, hold
    /// and think 0, closed loop, on one server reached without a password in db 0.
    public static func mismatch(_ scenario: Scenario) -> String? {
        if scenario.lock.algorithm != .setnxPX { return "algorithm \(scenario.lock.algorithm.rawValue), not setnx-px" }
        if scenario.lock.wait != .spin { return "wait \(scenario.lock.wait), not spin" }
        if scenario.hold != .fixed(us: 0) || scenario.think != .fixed(us: 0) { return "hold or think time above 0" }
        if scenario.mode != .closed || scenario.requests != nil { return "not a closed loop over a time window" }
        // The C loop locks key i mod keys for contender i, as `fixed` does; it draws no keys.
        if scenario.keyDist != .fixed { return "--key-dist \(scenario.keyDist), not fixed" }
        if case .redlock = scenario.deployment { return "a Redlock deployment" }
        if scenario.connection.password != nil || scenario.connection.db != 0 { return "a password or a db other than 0" }
        return nil
    }

    /// Runs the C client on `endpoint` with `scenario`'s layout, window and TTL, keys under `keyPrefix`.
    /// Blocks a thread of its own for the run, never the caller's.
    public static func measure(_ scenario: Scenario, endpoint: Endpoint, keyPrefix: String) async throws(CReferenceError) -> CReferenceCycle {
        if let mismatch = mismatch(scenario) {
            throw CReferenceError("the C reference runs setnx-px with spin wait and hold 0 only; this scenario has \(mismatch)")
        }
        // hiredis writes with write(2): a server gone mid-run would raise SIGPIPE and kill bench.
        ProcessSignals.ignoreSIGPIPE()
        let outcome: Result<CReferenceCycle, CReferenceError> = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: run(scenario, endpoint: endpoint, keyPrefix: keyPrefix))
            }
        }
        return try outcome.get()
    }

    static func run(_ scenario: Scenario, endpoint: Endpoint, keyPrefix: String) -> Result<CReferenceCycle, CReferenceError> {
        var strings: [UnsafeMutablePointer<CChar>] = []
        defer { strings.forEach { free($0) } }
        func c(_ text: String) -> UnsafePointer<CChar> {
            let copy = strdup(text)!
            strings.append(copy)
            return UnsafePointer(copy)
        }
        var config = lockcycle_config()
        switch endpoint {
        case .tcp(let host, let port):
            config.host = c(host)
            config.port = Int32(port)
        case .unix(let path):
            config.unix_path = c(path)
        }
        config.contenders = Int32(scenario.contenders)
        config.keys = Int32(scenario.keys)
        config.connections = Int32(scenario.connections)
        config.threads = Int32(scenario.laneCount)
        config.pipeline = Int32(scenario.pipeline)
        config.ttl_ms = Int32(scenario.lock.ttlMs)
        config.warmup_ms = Int32((scenario.warmupS * 1000).rounded())
        config.duration_ms = Int32((scenario.durationS * 1000).rounded())
        config.key_prefix = c(keyPrefix)
        config.release_script = c(LockScripts.compareAndDelete.source)
        config.release_sha = c(LockScripts.compareAndDelete.sha1)
        var result = lockcycle_result()
        guard lockcycle_run(&config, &result) == 0 else {
            let message = withUnsafeBytes(of: result.error) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            return .failure(CReferenceError("the C reference client on \(endpoint): \(message)"))
        }
        let acquisitions = Int(result.acquisitions)
        return .success(CReferenceCycle(
            acquisitions: acquisitions, cyclesPerSecond: result.window_s > 0 ? Double(acquisitions) / result.window_s : 0,
            busyReplies: Int(result.busy_replies), errors: Int(result.errors),
            cpuPerCycleUs: acquisitions > 0 ? result.cpu_us / Double(acquisitions) : nil,
            acquireP50Us: acquisitions > 0 ? result.acquire_p50_us : nil, acquireP99Us: acquisitions > 0 ? result.acquire_p99_us : nil))
    }
}

/// The C reference could not run: a server it could not reach, a scenario it does not implement.
public struct CReferenceError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
