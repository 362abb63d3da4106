import Dispatch
import Foundation
import RedisConnection
import RedisFleet
import TestSupport
import Testing
import ZooKeeperClient

/// Runs `body` on the connection's queue and hands its result back.
func onQueue<T: Sendable>(_ queue: DispatchQueue, _ body: @escaping @Sendable (@escaping @Sendable (T) -> Void) -> Void) async -> T {
    await withCheckedContinuation { continuation in
        queue.async { body { continuation.resume(returning: $0) } }
    }
}

@Suite("ZooKeeper client", .serialized)
struct ZooKeeperClientTests {
    @Test("create, children, exists with a watch that fires on delete, and the session's granted timeout")
    func requests() async throws {
        let ensemble = try await ZooKeeperEnsemble.start(servers: 1)
        defer { ensemble.stop() }
        let queue = DispatchQueue(label: "zk.test")
        let servers = ZooKeeperConnector(endpoints: ensemble.clientEndpoints).servers
        // 100 s asks for more than 20 ticks: the server clamps it to 20 × 200 ms.
        let connection = try await ZooKeeperConnection.connect(servers: servers, sessionTimeoutMs: 100_000, queue: queue)
        #expect(await onQueue(queue) { $0(connection.negotiatedTimeoutMs) } == ensemble.sessionTimeoutRangeMs.upperBound)
        let parent = await onQueue(queue) { done in connection.create("/t", mode: .persistent) { done($0.map(\.path)) } }
        #expect(try parent.get() == "/t")
        let first = try await onQueue(queue) { done in connection.create("/t/n-", mode: .ephemeralSequential) { done($0.map { $0.path }) } }.get()
        let second = try await onQueue(queue) { done in connection.create("/t/n-", mode: .ephemeralSequential) { done($0.map { $0.stat.czxid }) } }.get()
        #expect(second > 0)
        let names = try await onQueue(queue) { done in connection.children("/t") { done($0) } }.get()
        #expect(names.count == 2)
        let fired = Collector<ZooKeeperWatchEvent>()
        let exists = try await onQueue(queue) { done in
            connection.exists(first, watch: { fired.append($0) }) { done($0.map { $0 != nil }) }
        }.get()
        #expect(exists)
        try await onQueue(queue) { done in connection.delete(first) { done($0.mapError { $0 as ZooKeeperError }) } }.get()
        #expect(await fired.wait(for: 1))
        #expect(fired.items == [.deleted])
        let again = await onQueue(queue) { done in connection.delete(first) { done($0) } }
        #expect(throws: ZooKeeperError.self) { try again.get() }
        await onQueue(queue) { done in connection.close(); done(()) }
    }

    @Test("a Redis port is a clear error naming ZooKeeper's port, not a hang")
    func redisPort() async throws {
        try await withFleet { fleet in
            let queue = DispatchQueue(label: "zk.test.redis")
            let error = await #expect(throws: ZooKeeperError.self) {
                _ = try await ZooKeeperConnection.connect(servers: fleet.endpoints[0].description, sessionTimeoutMs: 2_000,
                                                          queue: queue, handshakeTimeoutMs: 2_000)
            }
            #expect(error?.description.contains("Is this a Redis port? ZooKeeper listens on 2181") == true)
        }
    }
}
