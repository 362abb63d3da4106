import TestSupport
import RESP
import RedisConnection
import Testing

/// Pub/sub: a subscribed connection delivers messages to its push handler, in publish order.
@Suite("Pub/sub")
struct PubSubTests {
    @Test("messages published on another connection reach the handler in order", arguments: allClients)
    func delivery(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            let subscriber = try await connector(client).connect(to: fleet.endpoints[0])
            let publisher = try await connector(client).connect(to: fleet.endpoints[0])
            defer { subscriber.close(); publisher.close() }
            let channel = uniquePrefix() + "chan"
            let messages = Collector<RedisPushMessage>()
            subscriber.setPushHandler { messages.append($0) }
            let confirmation = try await subscriber.send(["SUBSCRIBE", .string(channel)])
            #expect(confirmation.elements?.first?.string == "subscribe")
            for i in 0..<50 {
                let receivers = try await publisher.send(["PUBLISH", .string(channel), .string("m\(i)")])
                #expect(receivers == .integer(1))
            }
            #expect(await messages.wait(for: 50))
            #expect(messages.items.map { String(decoding: $0.payload, as: UTF8.self) } == (0..<50).map { "m\($0)" })
            #expect(messages.items.allSatisfy { $0.channel == channel && $0.kind == "message" })
            let unsubscribed = try await subscriber.send(["UNSUBSCRIBE", .string(channel)])
            #expect(unsubscribed.elements?.first?.string == "unsubscribe")
        }
    }

    @Test("pattern subscriptions deliver pmessage with the pattern", arguments: allClients)
    func patterns(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            let subscriber = try await connector(client).connect(to: fleet.endpoints[0])
            let publisher = try await connector(client).connect(to: fleet.endpoints[0])
            defer { subscriber.close(); publisher.close() }
            let prefix = uniquePrefix()
            let messages = Collector<RedisPushMessage>()
            subscriber.setPushHandler { messages.append($0) }
            _ = try await subscriber.send(["PSUBSCRIBE", .string(prefix + "*")])
            _ = try await publisher.send(["PUBLISH", .string(prefix + "a"), "x"])
            #expect(await messages.wait(for: 1))
            #expect(messages.items.first?.kind == "pmessage")
            #expect(messages.items.first?.pattern == prefix + "*")
            #expect(messages.items.first?.channel == prefix + "a")
        }
    }

    @Test("UNSUBSCRIBE then SUBSCRIBE pipelined keeps the connection subscribed", arguments: allClients)
    func resubscribePipelined(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            let subscriber = try await connector(client).connect(to: fleet.endpoints[0])
            let publisher = try await connector(client).connect(to: fleet.endpoints[0])
            defer { subscriber.close(); publisher.close() }
            let channel = uniquePrefix() + "chan"
            let messages = Collector<RedisPushMessage>()
            subscriber.setPushHandler { messages.append($0) }
            _ = try await subscriber.send(["SUBSCRIBE", .string(channel)])
            let replies = Collector<(Int, RedisReply)>()
            subscriber.send(batch: [["UNSUBSCRIBE", .string(channel)], ["SUBSCRIBE", .string(channel)]]) { replies.append(($0, $1)) }
            #expect(await replies.wait(for: 2))
            #expect(replies.items.map { (try? $0.1.get())?.elements?.first?.string } == ["unsubscribe", "subscribe"])
            #expect(try await publisher.send(["PUBLISH", .string(channel), "after"]) == .integer(1))
            #expect(await messages.wait(for: 1))
            #expect(messages.items.map { String(decoding: $0.payload, as: UTF8.self) } == ["after"])
            #expect(subscriber.isOpen)
        }
    }
}
