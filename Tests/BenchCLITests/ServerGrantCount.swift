import LoadDriver
import RedisConnection
import RedisFleet
import Synchronization
import TestSupport

/// The server's own count of a run's grants, kept apart from anything the harness records: keyspace
/// notifications publish a `set` event for every SET that wrote its key (from a script too) and none
/// for a `SET NX` that found the key held, so for `setnx-px` the events on the run's lock keys are its
/// grants, warm-up and drain included. Only on a server the test starts with `serverConfig`.
final class ServerGrantCount: Sendable {
    /// `E`: keyevent channels (`__keyevent@<db>__:<event>`, the key as payload); `$`: string commands.
    static let serverConfig = ConfigDirective("notify-keyspace-events", "E$")
    static let channel = "__keyevent@0__:set"

    private let connection: any RedisConnection
    private let prefix: String
    /// The run's lock keys without the prefix (`{17:KDAM}`): barrier keys under the same prefix end
    /// otherwise, and `:fence`/`:fifo` keys are never SET.
    private let lockKeySuffixes: Set<String>
    /// `set` events per lock key of the run, and on every other key.
    private let seen = Mutex<(lockKeys: [String: Int], others: [String: Int])>(([:], [:]))

    private init(connection: any RedisConnection, prefix: String, keys: Int) {
        self.connection = connection
        self.prefix = prefix
        lockKeySuffixes = Set((0..<keys).map { LoadRun.keyName(prefix: "", key: $0) })
    }

    /// Subscribes before the run starts, so no grant is missed; `prefix` is the run's (`lockbench:ID:`).
    static func subscribe(at endpoint: Endpoint, prefix: String, keys: Int) async throws -> ServerGrantCount {
        let connection = try await connector(.native).connect(to: endpoint)
        let count = ServerGrantCount(connection: connection, prefix: prefix, keys: keys)
        connection.setPushHandler { message in
            guard message.channel == channel else { return }
            count.note(String(decoding: message.payload, as: UTF8.self))
        }
        let confirmation = try await connection.send(["SUBSCRIBE", .string(channel)])
        guard confirmation.elements?.first?.string == "subscribe" else {
            connection.close()
            throw ServerGrantCountError(description: "SUBSCRIBE \(channel) on \(endpoint) answered \(confirmation)")
        }
        return count
    }

    private func note(_ key: String) {
        let isLockKey = key.hasPrefix(prefix) && lockKeySuffixes.contains { key.hasSuffix($0) }
        seen.withLock { seen in
            if isLockKey { seen.lockKeys[key, default: 0] += 1 } else { seen.others[key, default: 0] += 1 }
        }
    }

    /// The events so far, once every one the server published before this call is in: the server
    /// queues a notification on this connection while the SET runs, so it precedes the UNSUBSCRIBE's
    /// confirmation, and the push handler has run for it by the time that reply arrives.
    func finish() async throws -> (lockKeys: [String: Int], others: [String: Int]) {
        defer { connection.close() }
        _ = try await connection.send(["UNSUBSCRIBE", .string(Self.channel)])
        return seen.withLock { $0 }
    }
}

struct ServerGrantCountError: Error, CustomStringConvertible {
    var description: String
}
