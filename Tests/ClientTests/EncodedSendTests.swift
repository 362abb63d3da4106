import Dispatch
import RESP
import RedisConnection
import Testing
import TestSupport

/// Collects (tag, reply) pairs in arrival order; touched only on the connection's queue, read after.
final class TagCollector: RedisReplyReceiver, Sendable {
    let items = Collector<(Int, RedisReply)>()
    func receive(_ reply: RedisReply, tag: Int) { items.append((tag, reply)) }
}

/// `send(encoded:to:tag:)`, the measured path: pre-encoded bytes, a receiver and a tag, no closure.
@Suite("Encoded sends")
struct EncodedSendTests {
    @Test("encoded and closure sends interleave and reply in order, each tag once", arguments: allClients)
    func interleaved(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            let conn = try await connector(client).connect(to: fleet.endpoints[0])
            defer { conn.close() }
            let key = uniquePrefix() + "n"
            let receiver = TagCollector()
            let closureReplies = Collector<Int64>()
            conn.queue.async {
                for i in 0..<1_000 {
                    if i % 3 == 0 {
                        conn.send(["INCR", .string(key)]) { closureReplies.append((try? $0.get().integer) ?? -1) }
                    } else {
                        let bytes = RESPEncoder.encodeCommand(["INCR", .string(key)])
                        bytes.withUnsafeBytes { conn.send(encoded: $0, to: receiver, tag: i) }
                    }
                }
            }
            #expect(await receiver.items.wait(for: 666))
            #expect(await closureReplies.wait(for: 334))
            let tagged = receiver.items.items
            #expect(tagged.map(\.0) == (0..<1_000).filter { $0 % 3 != 0 }, "each tag once, in send order")
            // INCR i returns i + 1: every reply reached the command that caused it.
            #expect(tagged.allSatisfy { (try? $0.1.get().integer) == Int64($0.0 + 1) })
            #expect(closureReplies.items == stride(from: 1, through: 1_000, by: 3).map { Int64($0) })
            _ = try await conn.send(["DEL", .string(key)])
        }
    }

    @Test("an encoded send on a closed connection fails once, after send returns", arguments: allClients)
    func closedConnection(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            let conn = try await connector(client).connect(to: fleet.endpoints[0])
            conn.close()
            let receiver = TagCollector()
            let returned = Collector<Bool>()
            conn.queue.async {
                let bytes = RESPEncoder.encodeCommand(["PING"])
                bytes.withUnsafeBytes { conn.send(encoded: $0, to: receiver, tag: 7) }
                returned.append(receiver.items.items.isEmpty)
            }
            #expect(await receiver.items.wait(for: 1))
            #expect(returned.items == [true], "the failure is delivered after send returns")
            let (tag, reply) = receiver.items.items[0]
            #expect(tag == 7)
            guard case .failure(let error) = reply else {
                Issue.record("expected a failure, got \(reply)")
                return
            }
            #expect(error.code == .closedByClient)
        }
    }
}
