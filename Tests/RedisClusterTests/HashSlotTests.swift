import RESP
import RedisConnection
import Testing

@testable import RedisCluster

@Suite struct HashSlotTests {
    @Test func crc16MatchesTheClusterSpecificationTestVector() {
        let crc = Array("123456789".utf8).withUnsafeBytes { HashSlot.crc16($0) }
        #expect(crc == 0x31C3)
    }

    @Test func knownSlotsMatchRedis() {
        // CLUSTER KEYSLOT on Redis 7.0.
        #expect(HashSlot.slot(of: "foo") == 12182)
        #expect(HashSlot.slot(of: "bar") == 5061)
        #expect(HashSlot.slot(of: "") == 0)
    }

    @Test(arguments: [
        ("{user1000}.following", "user1000"),  // the tag alone is hashed
        ("foo{bar}{zap}", "bar"),  // only the first {...}
        ("foo{}{bar}", "foo{}{bar}"),  // an empty first tag: the whole key
        ("foo{{bar}}zap", "{bar"),  // the first '{' opens, the first '}' after it closes
        ("foo{bar", "foo{bar"),  // unclosed: the whole key
        ("foo}bar{", "foo}bar{"),  // '}' before '{' does not close anything
        ("lock:{17}:fence", "17"),
    ])
    func hashTagEdgeCases(key: String, hashed: String) {
        #expect(HashSlot.slot(of: key) == HashSlot.slot(of: hashed))
        var copy = key
        let part = copy.withUTF8 { String(decoding: HashSlot.hashedPart(of: UnsafeRawBufferPointer($0)), as: UTF8.self) }
        #expect(part == hashed)
    }

    @Test func routesByTheKeysOfEachCommandKind() {
        func route(_ args: [RedisArgument]) -> CommandRoute {
            RESPEncoder.encodeCommand(args).withUnsafeBytes { CommandRoute.of(encoded: $0) }
        }
        let slot = HashSlot.slot(of: "p{7}")
        #expect(route(["SET", "p{7}", "v", "NX", "PX", 100]) == .slot(slot))
        #expect(route(["get", "p{7}"]) == .slot(slot))
        #expect(route(["EVALSHA", "abc", 2, "p{7}", "p{7}:fence", "tok", 100]) == .slot(slot))
        #expect(route(["EVAL", "return 1", 0]) == .anyNode)
        #expect(route(["DEL", "p{7}", "p{7}:fifo", "p{7}:fifo:dl"]) == .slot(slot))
        #expect(route(["PING"]) == .anyNode)
        #expect(route(["INFO", "cpu"]) == .anyNode)
        #expect(route(["SCRIPT", "LOAD", "return 1"]) == .everyPrimary)
        #expect(route(["SUBSCRIBE", "a", "b"]) == .pubsub)
        if case .crossSlot = route(["EVALSHA", "abc", 2, "a", "b", "tok"]) {} else { Issue.record("a and b should be cross-slot") }
        if case .crossSlot = route(["DEL", "a", "b"]) {} else { Issue.record("DEL a b should be cross-slot") }
        // Arguments after numkeys are not keys.
        #expect(route(["EVALSHA", "abc", 1, "p{7}", "other-slot-arg"]) == .slot(slot))
        #expect([UInt8]("*1\r\n$3\r\nGE".utf8).withUnsafeBytes { CommandRoute.of(encoded: $0) } == .malformed)
    }

    @Test func slotMapPlacesAKeyOnEveryShard() {
        let map = SlotMap(shards: (0..<3).map { i in
            SlotMap.Shard(primary: .tcp(host: "127.0.0.1", port: 7000 + i), ranges: [(i * 16384 / 3)...((i + 1) * 16384 / 3 - 1)])
        })
        for shard in 0..<3 {
            let key = map.key("lock:{42}", onShard: shard)
            #expect(key != nil)
            #expect(key.flatMap { map.shard(forKey: $0) } == shard)
            #expect(key?.hasPrefix("lock:{42/n") == true)
        }
    }

    @Test func redirectsParse() {
        #expect(ClusterRedirect("MOVED 3999 127.0.0.1:6381") == .moved(slot: 3999, .tcp(host: "127.0.0.1", port: 6381)))
        #expect(ClusterRedirect("ASK 3999 127.0.0.1:6381") == .ask(slot: 3999, .tcp(host: "127.0.0.1", port: 6381)))
        #expect(ClusterRedirect("TRYAGAIN Multiple keys request during rehashing of slot") == .tryAgain)
        #expect(ClusterRedirect("CLUSTERDOWN The cluster is down") == .clusterDown)
        #expect(ClusterRedirect("ERR wrong number of arguments") == nil)
    }
}
