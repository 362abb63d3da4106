import Dispatch
import RESP
import RedisConnection
import RedisFleet
import TestSupport
import Testing

@testable import RedisCluster

@Suite(.serialized) struct ClusterConnectionTests {
    @Test(arguments: allClients)
    func routesEveryKeyToItsPrimary(_ kind: RedisClientKind) async throws {
        try await withCluster { fleet in
            let counters = ClusterCounters()
            let connection = try await clusterConnection(kind, fleet, counters: counters)
            defer { connection.close() }
            #expect(connection.map.shards.count == 3)
            let prefix = uniquePrefix()
            for i in 0..<60 {
                #expect(try await connection.call("SET", .string("\(prefix){\(i)}"), .string("v\(i)")).string == "OK")
            }
            // Each key sits on the primary its slot names (asked directly, so no redirect could hide it).
            let layout = try #require(fleet.clusterLayout)
            for i in 0..<60 {
                let key = "\(prefix){\(i)}"
                let owner = try #require(layout.owner(ofSlot: HashSlot.slot(of: key)))
                let reply = try probeCommands([["GET", key]], at: owner.endpoint)
                #expect(reply.first?.string == "v\(i)")
            }
            // SCRIPT LOAD reaches every primary: EVALSHA then works on all of them.
            let sha = try await connection.call("SCRIPT", "LOAD", "return redis.call('get', KEYS[1])").string
            for i in 0..<60 {
                let reply = try await connection.call("EVALSHA", .string(sha ?? ""), 1, .string("\(prefix){\(i)}"))
                #expect(reply.string == "v\(i)")
            }
            // A command whose keys span slots is refused before it is sent, and counted.
            let refused = try await connection.send(["DEL", .string("\(prefix){1}"), .string("\(prefix){2}")])
            #expect(refused.errorMessage?.hasPrefix("CROSSSLOT") == true)
            #expect(counters.snapshot.crossSlot == 1)
            #expect(counters.snapshot.moved == 0)
            for i in 0..<60 { _ = try await connection.call("DEL", .string("\(prefix){\(i)}")) }
        }
    }

    @Test(arguments: allClients)
    func followsAskAndMovedThroughASlotMigration(_ kind: RedisClientKind) async throws {
        try await withCluster { fleet in
            let counters = ClusterCounters()
            let connection = try await clusterConnection(kind, fleet, counters: counters)
            defer { connection.close() }
            let prefix = uniquePrefix()
            let key = "\(prefix){hot}"
            let other = "\(prefix){hot}:other"
            let slot = HashSlot.slot(of: key)
            let layout = try #require(fleet.clusterLayout)
            let from = try #require(layout.owner(ofSlot: slot)).index
            let to = layout.primaries.map(\.index).first { $0 != from }!
            _ = try await connection.call("SET", .string(key), "1")
            _ = try await connection.call("SET", .string(other), "2")
            try fleet.beginMigration(slot: slot, from: from, to: to)
            // Move one of the two keys: the source answers ASK for it.
            _ = try probeCommands([["MIGRATE", "127.0.0.1", portOf(fleet.endpoints[to]), "", "0", "5000", "KEYS", key]], at: fleet.endpoints[from])
            #expect(try await connection.call("GET", .string(key)).string == "1")
            #expect(try await connection.call("GET", .string(other)).string == "2")
            #expect(counters.snapshot.ask >= 1)
            try fleet.migrateKeys(slot: slot, from: from, to: to)
            try await fleet.finishMigration(slot: slot, from: from, to: to)
            #expect(try await connection.call("GET", .string(key)).string == "1")
            #expect(counters.snapshot.moved >= 1)
            // The map was corrected: the next command goes straight to the new owner.
            let moved = counters.snapshot.moved
            #expect(try await connection.call("GET", .string(other)).string == "2")
            #expect(counters.snapshot.moved == moved)
            _ = try await connection.call("DEL", .string(key), .string(other))
        }
    }

    @Test("CLUSTERDOWN is retried with backoff until the slot is served again", arguments: allClients)
    func retriesClusterDown(_ kind: RedisClientKind) async throws {
        try await withCluster { fleet in
            let counters = ClusterCounters()
            let connection = try await clusterConnection(kind, fleet, counters: counters)
            defer { connection.close() }
            let key = uniquePrefix() + "{down}"
            let slot = HashSlot.slot(of: key)
            let owner = try #require(fleet.clusterLayout?.owner(ofSlot: slot)).endpoint
            _ = try await connection.call("SET", .string(key), "1")
            // The owner stops serving the slot: it answers CLUSTERDOWN until the slot is added back.
            _ = try probeCommands([["CLUSTER", "DELSLOTS", String(slot)]], at: owner)
            let reading = Task { try await connection.send(["GET", .string(key)]) }
            let retried = await eventually(boundSeconds: 20) { counters.snapshot.clusterDown >= 1 }
            _ = try probeCommands([["CLUSTER", "ADDSLOTS", String(slot)]], at: owner)
            #expect(retried, "no CLUSTERDOWN was seen")
            #expect(try await reading.value.string == "1")
            #expect(counters.snapshot.moved == 0)
            _ = try await connection.call("DEL", .string(key))
        }
    }

    @Test(arguments: allClients)
    func refusesAServerThatIsNotAClusterNode(_ kind: RedisClientKind) async throws {
        try await withFleet { fleet in
            do {
                _ = try await ClusterConnector(wrapping: connector(kind)).connect(to: fleet.endpoints[0])
                Issue.record("a standalone server was accepted as a cluster node")
            } catch {
                #expect("\(error)".contains("not a cluster node"))
            }
        }
    }
}

func portOf(_ endpoint: Endpoint) -> String {
    if case .tcp(_, let port) = endpoint { return String(port) }
    return "0"
}
