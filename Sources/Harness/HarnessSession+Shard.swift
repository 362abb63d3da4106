import Dispatch
import LoadDriver
import Locks
import RedisConnection
import Synchronization

/// A shard's part of a run: the start barrier before warm-up, and the last-one-out key cleanup.
extension HarnessSession {
    /// Meets the other shards on the first endpoint before warm-up; the estimated clock offset lands in `clock`.
    func shardGate(
        _ barrier: ShardBarrier, clock: ShardClock
    ) -> (any RedisConnector, [Endpoint], ConnectionOptions) -> StartGate {
        { connector, endpoints, options in
            { (stopRequested: @escaping @Sendable () -> Bool) async throws(DriverError) -> UInt64 in
                let connection = try await Self.barrierConnection(connector, endpoints, options)
                defer { connection.close() }
                // Stopped while waiting: no clock, so the cleanup knows this shard never took part.
                guard let met = try await barrier.meet(connection, stopRequested: stopRequested) else { return LockClock.monotonicNanos() }
                clock.value.withLock { $0 = (met.clock, met.windowStartUs) }
                return met.startNanos
            }
        }
    }

    /// Counts this shard out and deletes the run's keys when it is the last one (`KeyCleanup`).
    func leaveShard(
        _ barrier: ShardBarrier, endpoints: [Endpoint], connector: any RedisConnector, options: ConnectionOptions
    ) async {
        guard let connection = try? await Self.barrierConnection(connector, endpoints, options) else { return }
        let last = await barrier.leave(connection)
        connection.close()
        if last { await KeyCleanup.run(prefix: barrier.prefix, endpoints: endpoints, connector: connector, options: options) }
    }

    static func barrierConnection(
        _ connector: any RedisConnector, _ endpoints: [Endpoint], _ options: ConnectionOptions
    ) async throws(DriverError) -> any RedisConnection {
        guard let endpoint = endpoints.first else { throw DriverError("no server to hold the shards' start barrier") }
        do {
            return try await connector.connect(to: endpoint, options: options, queue: DispatchQueue(label: "lockbench.barrier"))
        } catch {
            throw DriverError("cannot connect to \(endpoint) for the shards' start barrier: \(error)")
        }
    }
}

/// The clock offset a shard's barrier estimated, handed from the start gate (run inside the load run)
/// back to the session that reports it.
final class ShardClock: Sendable {
    let value = Mutex<(offset: ClockOffset, windowStartUs: Int64)?>(nil)
}
