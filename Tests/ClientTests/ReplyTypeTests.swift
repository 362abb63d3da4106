import TestSupport
import RESP
import RedisConnection
import Testing

/// Every reply shape Redis 7 sends over RESP2 arrives as the same `RESPValue` on both clients.
@Suite("Reply types")
struct ReplyTypeTests {
    @Test("status, bulk, nil bulk, integer, error", arguments: allClients)
    func scalars(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            let conn = try await connector(client).connect(to: fleet.endpoints[0])
            defer { conn.close() }
            let key = uniquePrefix() + "k"
            #expect(try await conn.send(["SET", .string(key), "v1"]) == .simpleString("OK"))
            #expect(try await conn.send(["GET", .string(key)]) == .bulk("v1"))
            #expect(try await conn.send(["GET", .string(key + ":missing")]) == .bulkString(nil))
            #expect(try await conn.send(["INCRBY", .string(key + ":n"), 41]) == .integer(41))
            #expect(try await conn.send(["INCRBY", .string(key + ":n"), -100]) == .integer(-59))
            let wrongType = try await conn.send(["LPUSH", .string(key), "x"])
            #expect(wrongType.errorMessage?.hasPrefix("WRONGTYPE") == true)
            let unknown = try await conn.send(["NOSUCHCOMMAND"])
            #expect(unknown.errorMessage?.hasPrefix("ERR unknown command") == true)
            #expect(try await conn.send(["GET", .string(key)]) == .bulk("v1"), "an error reply must not disturb the stream")
            _ = try await conn.send(["DEL", .string(key), .string(key + ":n")])
        }
    }

    @Test("binary-safe bulk with CR, LF and NUL, and the empty string", arguments: allClients)
    func binary(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            let conn = try await connector(client).connect(to: fleet.endpoints[0])
            defer { conn.close() }
            let key = uniquePrefix() + "bin"
            let payload: [UInt8] = [0, 13, 10, 36, 42, 255, 13, 10, 0]
            _ = try await conn.send(["SET", .string(key), .bytes(payload)])
            #expect(try await conn.send(["GET", .string(key)]) == .bulkString(payload))
            _ = try await conn.send(["SET", .string(key), ""])
            #expect(try await conn.send(["GET", .string(key)]) == .bulkString([]))
            _ = try await conn.send(["DEL", .string(key)])
        }
    }

    @Test("nested arrays, empty and null arrays from Lua", arguments: allClients)
    func aggregates(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            let conn = try await connector(client).connect(to: fleet.endpoints[0])
            defer { conn.close() }
            let script = "return {1, {2, 'x', {}}, redis.status_reply('FINE'), redis.error_reply('BAD thing'), false}"
            let reply = try await conn.send(["EVAL", .string(script), 0])
            #expect(reply == .array([
                .integer(1),
                .array([.integer(2), .bulk("x"), .array([])]),
                .simpleString("FINE"),
                .simpleError("BAD thing"),
                .bulkString(nil),
            ]))
            let empty = try await conn.send(["LRANGE", .string(uniquePrefix() + "none"), 0, -1])
            #expect(empty == .array([]))
        }
    }

    @Test("a bulk of several megabytes, both directions", arguments: allClients)
    func bigBulk(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            let conn = try await connector(client).connect(to: fleet.endpoints[0])
            defer { conn.close() }
            let key = uniquePrefix() + "big"
            var payload = [UInt8](repeating: 0, count: 6 * 1024 * 1024 + 17)
            for i in payload.indices { payload[i] = UInt8(truncatingIfNeeded: i &* 31 &+ 7) }
            #expect(try await conn.send(["SET", .string(key), .bytes(payload)]) == .simpleString("OK"))
            #expect(try await conn.send(["STRLEN", .string(key)]) == .integer(Int64(payload.count)))
            #expect(try await conn.send(["GET", .string(key)]) == .bulkString(payload))
            _ = try await conn.send(["DEL", .string(key)])
        }
    }
}
