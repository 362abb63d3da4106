import TestSupport
import Foundation
import RESP
import RedisConnection
import RedisFleet
import Testing

/// Connection failures: each pending completion fires once with a typed error naming the endpoint.
@Suite("Faults")
struct FaultTests {
    /// Also with the inline reply wait, whose poll(2) loop is what sees the server die.
    @Test("server killed mid-pipeline: every pending completion fails exactly once", arguments: allClients, [false, true])
    func killedMidPipeline(client: RedisClientKind, inlineWait: Bool) async throws {
        try await withFleet { fleet in
            var options = ConnectionOptions()
            if inlineWait { options.inlineReplyWaitMicros = 1_000 }
            let conn = try await connector(client).connect(to: fleet.endpoints[0], options: options)
            let key = uniquePrefix() + "k"
            // Paused first, so the commands are certainly outstanding when the server dies.
            fleet.pause(0)
            let n = 5_000
            let replies = Collector<(Int, RedisReply)>()
            conn.send(batch: [[RedisArgument]](repeating: ["INCR", .string(key)], count: n)) { replies.append(($0, $1)) }
            try await Task.sleep(for: .milliseconds(100))
            fleet.kill(0)
            #expect(await replies.wait(for: n), "no completion may be lost")
            try await Task.sleep(for: .milliseconds(100))
            let items = replies.items
            #expect(items.count == n, "no completion may fire twice")
            #expect(Set(items.map(\.0)).count == n)
            let codes = Set(items.compactMap { $0.1.errorCode })
            #expect(items.allSatisfy { $0.1.errorCode != nil }, "a killed server answers nothing")
            #expect(codes.isSubset(of: [.connectionReset, .connectionClosed, .closedMidReply]), "got \(codes)")
            #expect(!conn.isOpen)
            // A send after the failure fails at once with the same kind of error.
            let late = await withCheckedContinuation { c in conn.send(["PING"]) { c.resume(returning: $0) } }
            #expect(late.errorCode != nil)
        }
    }

    @Test("connect to a closed port is refused, naming the endpoint", arguments: allClients)
    func refused(client: RedisClientKind) async throws {
        let port = try await withFleet { fleet -> Int in
            guard case .tcp(_, let port) = fleet.endpoints[0] else { return 1 }
            return port
        }
        let endpoint = Endpoint.tcp(host: "127.0.0.1", port: port)
        do {
            _ = try await connector(client).connect(to: endpoint)
            Issue.record("connect to a stopped server succeeded")
        } catch {
            #expect(error.code == .connectionRefused)
            #expect(error.description.contains(endpoint.description))
        }
    }

    @Test("Unix socket connects and a missing socket file is refused", arguments: allClients)
    func unixSocket(client: RedisClientKind) async throws {
        var options = RedisServerOptions()
        options.transport = .unix
        try await withFleet(options: options) { fleet in
            guard case .unix(let path) = fleet.endpoints[0] else {
                Issue.record("expected a unix endpoint, got \(fleet.endpoints[0])")
                return
            }
            let conn = try await connector(client).connect(to: fleet.endpoints[0])
            #expect(try await conn.send(["PING"]) == .simpleString("PONG"))
            conn.close()
            await #expect(throws: RedisError(.connectionRefused, endpoint: "unix:\(path).missing")) {
                _ = try await connector(client).connect(to: .unix(path: path + ".missing"))
            }
        }
    }

    /// Also with the inline reply wait: its poll(2) must hand the queue back, or the timeout timer never runs.
    @Test("a paused server: command timeout fails the connection, connect timeout fails the handshake", arguments: allClients, [false, true])
    func timeouts(client: RedisClientKind, inlineWait: Bool) async throws {
        try await withFleet { fleet in
            let endpoint = fleet.endpoints[0]
            var options = ConnectionOptions(commandTimeoutMs: 200)
            if inlineWait { options.inlineReplyWaitMicros = 1_000 }
            let conn = try await connector(client).connect(to: endpoint, options: options)
            fleet.pause(0)
            defer { fleet.resume(0) }
            let reply = await withCheckedContinuation { c in conn.send(["PING"]) { c.resume(returning: $0) } }
            #expect(reply.errorCode == .timeout)
            // The kernel still accepts the TCP connection; the SELECT handshake is what never answers.
            await #expect(throws: RedisError(.timeout, endpoint: endpoint.description)) {
                _ = try await connector(client).connect(to: endpoint, options: ConnectionOptions(connectTimeoutMs: 200, database: 1))
            }
        }
    }

    @Test("close() with commands outstanding completes each once with closedByClient", arguments: allClients)
    func closeOutstanding(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            let conn = try await connector(client).connect(to: fleet.endpoints[0])
            fleet.pause(0)
            defer { fleet.resume(0) }
            let replies = Collector<RedisReply>()
            for _ in 0..<100 { conn.send(["PING"]) { replies.append($0) } }
            conn.close()
            conn.close()
            #expect(await replies.wait(for: 100))
            try await Task.sleep(for: .milliseconds(50))
            #expect(replies.count == 100)
            #expect(replies.items.allSatisfy { $0.errorCode == .closedByClient })
        }
    }
}
