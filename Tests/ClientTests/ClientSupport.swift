import Dispatch
import Foundation
import HiredisClient
import NativeClient
import RESP
import RedisConnection
import RedisFleet
import Synchronization

/// Both clients, so every conformance test runs once per client.
let allClients: [RedisClientKind] = RedisClientKind.allCases

func connector(_ kind: RedisClientKind) -> any RedisConnector {
    switch kind {
    case .native: return NativeConnector()
    case .hiredis: return HiredisConnector()
    }
}

/// A key prefix unique to one test, so tests sharing a server never touch each other's keys.
func uniquePrefix(_ test: String = #function) -> String {
    "lockbench:test:\(test.prefix(while: { $0 != "(" })):\(UInt64.random(in: 0...UInt64.max)):"
}

/// Starts a fleet, runs `body`, and always stops the fleet.
func withFleet<R>(
    count: Int = 1, options: RedisServerOptions = RedisServerOptions(),
    _ body: (RedisFleet) async throws -> R
) async throws -> R {
    let fleet = try await RedisFleet.start(count: count, options: options)
    do {
        let result = try await body(fleet)
        await fleet.stop()
        return result
    } catch {
        await fleet.stop()
        throw error
    }
}

/// Collects completions from any queue, for asserting counts and order.
final class Collector<Element: Sendable>: Sendable {
    private let storage = Mutex<[Element]>([])

    func append(_ element: Element) { storage.withLock { $0.append(element) } }
    var items: [Element] { storage.withLock { $0 } }
    var count: Int { storage.withLock { $0.count } }

    /// Waits until `n` items arrived; the bound only stops a broken client from hanging the suite.
    func wait(for n: Int, boundSeconds: Double = 30) async -> Bool {
        let deadline = Date().addingTimeInterval(boundSeconds)
        while count < n {
            if Date() > deadline { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }
}

extension RESPValue {
    static func bulk(_ s: String) -> RESPValue { .bulkString(Array(s.utf8)) }
}

extension Result where Failure == RedisError {
    var errorCode: RedisError.Code? {
        if case .failure(let e) = self { return e.code }
        return nil
    }
}
