import Dispatch
import POSIX
import Locks
import RESP
import RedisConnection
import Stats

/// What one client achieved on a fixed command load.
public struct ClientLoadResult: Sendable, Hashable {
    /// Commands per second over the whole load.
    public var commandsPerSecond: Double
    /// Round-trip latencies, µs, sorted (recorded only at depth 1, where a latency is one round trip).
    public var latenciesUs: [Double]
    /// Replies that were errors (transport or server).
    public var errors: Int

    /// The median round trip, µs.
    public var p50Us: Double? { Statistics.percentile(sorted: latenciesUs, 50) }
}

/// Sends `total` commands in batches of `depth`, the next batch after the last reply of the previous one:
/// what `redis-benchmark -c 1 -P depth` does, so the two are measured on the same pattern.
///
/// Runs in callbacks on the connection's queue: the path the load driver uses.
final class PipelineLoop: @unchecked Sendable {
    // @unchecked: all mutable state is touched only on `connection.queue`.
    let connection: any RedisConnection
    let depth: Int
    let total: Int
    let keyPrefix: String
    let keyspace: Int
    var sent = 0
    var received = 0
    var inBatch = 0
    var errors = 0
    var startedAt: UInt64 = 0
    var sentAt: UInt64 = 0
    var latencies: [Double] = []
    var rng = SplitMix64(seed: 1)
    var finish: (@Sendable (ClientLoadResult) -> Void)?

    init(connection: any RedisConnection, depth: Int, total: Int, keyPrefix: String, keyspace: Int) {
        self.connection = connection
        self.depth = depth
        self.total = total
        self.keyPrefix = keyPrefix
        self.keyspace = keyspace
        if depth == 1 { latencies.reserveCapacity(total) }
    }

    func run() async -> ClientLoadResult {
        await withCheckedContinuation { continuation in
            finish = { continuation.resume(returning: $0) }
            connection.queue.async {
                self.startedAt = MonotonicClock.nanos()
                self.sendBatch()
            }
        }
    }

    /// Spreads keys over the keyspace as redis-benchmark's `-r` does.
    func nextKey() -> Int {
        Int(rng.next() % UInt64(keyspace))
    }

    func sendBatch() {
        let n = min(depth, total - sent)
        inBatch = n
        sentAt = MonotonicClock.nanos()
        for _ in 0..<n {
            sent += 1
            let command: [RedisArgument] = ["SET", .string(keyPrefix + String(nextKey())), "xxx", "NX", "PX", 10_000]
            connection.send(command) { reply in self.replied(reply) }
        }
    }

    func replied(_ reply: RedisReply) {
        received += 1
        inBatch -= 1
        switch reply {
        case .success(let value): if value.errorMessage != nil { errors += 1 }
        case .failure: errors += 1
        }
        guard inBatch == 0 else { return }
        let now = MonotonicClock.nanos()
        if depth == 1 { latencies.append(Double(now - sentAt) / 1000) }
        if received >= total {
            let seconds = Double(now - startedAt) / 1e9
            latencies.sort()
            finish?(ClientLoadResult(commandsPerSecond: Double(received) / seconds, latenciesUs: latencies, errors: errors))
            finish = nil
        } else {
            sendBatch()
        }
    }
}

/// Runs a pipelined `SET key xxx NX PX 10000` load on one connection.
public enum ClientLoad {
    /// Sends `total` commands at `depth`; keys are `keyPrefix` + a number below `keyspace`.
    public static func pipelinedSet(
        on connection: any RedisConnection, depth: Int, total: Int, keyPrefix: String, keyspace: Int
    ) async -> ClientLoadResult {
        await PipelineLoop(connection: connection, depth: depth, total: total, keyPrefix: keyPrefix, keyspace: keyspace).run()
    }
}
