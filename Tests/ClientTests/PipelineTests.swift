import TestSupport
import RESP
import RedisConnection
import Testing

/// Many commands in flight on one connection, replies matched in order.
@Suite("Pipelining")
struct PipelineTests {
    @Test("10,000 pipelined INCRs reply 1...10,000 in order", arguments: allClients)
    func tenThousand(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            let conn = try await connector(client).connect(to: fleet.endpoints[0])
            defer { conn.close() }
            let key = uniquePrefix() + "counter"
            let n = 10_000
            let replies = Collector<(Int, RedisReply)>()
            let commands = [[RedisArgument]](repeating: ["INCR", .string(key)], count: n)
            conn.send(batch: commands) { index, reply in replies.append((index, reply)) }
            #expect(await replies.wait(for: n))
            let items = replies.items
            #expect(items.count == n)
            #expect(items.map(\.0) == Array(0..<n), "completions run in command order")
            let values = items.compactMap { try? $0.1.get().integer }
            #expect(values == (1...Int64(n)).map { $0 }, "reply i is the i-th INCR")
            _ = try await conn.send(["DEL", .string(key)])
        }
    }

    @Test("single sends from many tasks all complete once", arguments: allClients)
    func concurrentSenders(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            let conn = try await connector(client).connect(to: fleet.endpoints[0])
            defer { conn.close() }
            let key = uniquePrefix() + "set"
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<200 {
                    group.addTask { _ = try await conn.send(["SADD", .string(key), .integer(Int64(i))]) }
                }
                try await group.waitForAll()
            }
            #expect(try await conn.send(["SCARD", .string(key)]) == .integer(200))
            _ = try await conn.send(["DEL", .string(key)])
        }
    }
}
