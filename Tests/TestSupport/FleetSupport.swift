import Dispatch
import Foundation
import Harness
import RESP
import RedisConnection
import RedisFleet
import Synchronization

/// Both clients, so every client-facing test runs once per client.
public let allClients: [RedisClientKind] = RedisClientKind.allCases

/// The connector of a client kind (the harness's one switch over client kinds).
public func connector(_ kind: RedisClientKind) -> any RedisConnector {
    ClientConnectors.connector(for: kind)
}

/// A key prefix unique to one test, so tests sharing a server never touch each other's keys.
public func uniquePrefix(_ test: String = #function) -> String {
    "lockbench:test:\(test.prefix(while: { $0 != "(" })):\(UInt64.random(in: 0...UInt64.max)):"
}

/// Starts a fleet, runs `body`, and always stops the fleet.
public func withFleet<R>(
    count: Int = 1, options: RedisServerOptions = RedisServerOptions(),
    _ body: (RedisFleet) async throws -> R
) async throws -> R {
    try await withStarted(try await RedisFleet.start(count: count, options: options), body)
}

/// Starts a Redis Cluster of `primaries` primaries (no replicas), runs `body`, and always stops it.
public func withCluster<R>(primaries: Int = 3, _ body: (RedisFleet) async throws -> R) async throws -> R {
    try await withStarted(try await RedisFleet.startCluster(primaries: primaries), body)
}

private func withStarted<R>(_ fleet: RedisFleet, _ body: (RedisFleet) async throws -> R) async throws -> R {
    do {
        let result = try await body(fleet)
        await fleet.stop()
        return result
    } catch {
        await fleet.stop()
        throw error
    }
}

/// Collects items from any queue, for asserting counts and order.
public final class Collector<Element: Sendable>: Sendable {
    private let storage = Mutex<[Element]>([])

    /// An empty collector.
    public init() {}

    /// Adds one item.
    public func append(_ element: Element) { storage.withLock { $0.append(element) } }
    /// Everything so far, in arrival order.
    public var items: [Element] { storage.withLock { $0 } }
    /// How many so far.
    public var count: Int { storage.withLock { $0.count } }

    /// Waits until `n` items arrived; the bound only stops a broken implementation from hanging the suite.
    public func wait(for n: Int, boundSeconds: Double = 30) async -> Bool {
        let deadline = Date().addingTimeInterval(boundSeconds)
        while count < n {
            if Date() > deadline { return false }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return true
    }
}

/// Polls `condition` until it holds; the bound only stops a broken implementation from hanging the suite.
public func eventually(boundSeconds: Double = 20, _ condition: () async -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(boundSeconds)
    while !(await condition()) {
        if Date() > deadline { return false }
        try? await Task.sleep(for: .milliseconds(2))
    }
    return true
}
