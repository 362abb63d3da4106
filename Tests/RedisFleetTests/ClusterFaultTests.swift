import RESP
import RedisConnection
import Testing
@testable import RedisFleet

/// The cluster fault helpers against real clusters; each test owns its fleet.
@Suite("RedisFleet cluster faults")
struct ClusterFaultTests {
    @Test("CLUSTER FAILOVER FORCE: the replica becomes the primary of the old slots and every node says so")
    func forcedFailover() async throws {
        let fleet = try await RedisFleet.startCluster(primaries: 2, replicasPerPrimary: 1)
        let before = try #require(fleet.clusterLayout)
        let replica = try #require(before.replicas(of: 0).first).index
        let after = try await fleet.clusterFailover(replica: replica)
        #expect(after.nodes[replica].role == .primary)
        #expect(after.nodes[replica].slots == before.nodes[0].slots)
        #expect(after.nodes[0].replicaOf == replica, "the old primary follows its replacement")
        for index in fleet.endpoints.indices {
            #expect(try fleet.readClusterLayout(from: index).owner(ofSlot: 0)?.index == replica, "node \(index) sees the new primary")
        }
        #expect(try RedisProbe.command(["ROLE"], at: fleet.endpoints[replica]).elements?.first?.string == "master")
        #expect(fleet.clusterLayout == after)
        await fleet.stop()
    }

    @Test("a failover onto a node that is not a replica is refused")
    func failoverNeedsReplica() async throws {
        let fleet = try await RedisFleet.startCluster(primaries: 1, replicasPerPrimary: 1)
        await #expect(throws: FleetError.self) { try await fleet.clusterFailover(replica: 0) }
        await fleet.stop()
    }

    @Test("kill -9 of a primary: its replica is promoted after the node timeout; the restarted primary rejoins as a replica")
    func killedPrimary() async throws {
        let fleet = try await RedisFleet.startCluster(primaries: 3, replicasPerPrimary: 1)
        let before = try #require(fleet.clusterLayout)
        let replica = try #require(before.replicas(of: 1).first).index
        let after = try await fleet.killPrimaryAndAwaitPromotion(1)
        #expect(fleet.nodes[1].state == .killed)
        #expect(after.owner(ofSlot: before.nodes[1].slots[0].lowerBound)?.index == replica)
        #expect(try RedisProbe.command(["ROLE"], at: fleet.endpoints[replica]).elements?.first?.string == "master")

        try await fleet.restart(1)
        let rejoined = try await fleet.awaitClusterSettled()
        #expect(rejoined.nodes[1].role == .replica)
        #expect(rejoined.nodes[1].replicaOf == replica)
        await fleet.stop()
    }

    @Test("a slot migrated step by step: ASK while migrating, then every node names the new owner; keys move (with a password: MIGRATE AUTH2)")
    func slotMigration() async throws {
        let password = "migrate pw"
        let fleet = try await RedisFleet.startCluster(primaries: 3, options: RedisServerOptions(password: password))
        func send(_ arguments: [String], to index: Int) throws -> RESPValue {
            try RedisProbe.commands([["AUTH", password], arguments], at: fleet.endpoints[index], timeoutMs: 2_000)[1]
        }
        let keys = (0..<250).map { "{fleet-migrate}:\($0)" }
        let slot = Int(try #require(try send(["CLUSTER", "KEYSLOT", keys[0]], to: 0).integer))
        let source = try #require(fleet.clusterLayout?.owner(ofSlot: slot)).index
        let target = (source + 1) % 3
        for key in keys { #expect(try send(["SET", key, "v"], to: source) == .simpleString("OK")) }

        try fleet.beginMigration(slot: slot, from: source, to: target)
        #expect(try send(["GET", "{fleet-migrate}:absent"], to: source).errorMessage?.hasPrefix("ASK \(slot) ") == true)
        #expect(try fleet.migrateKeys(slot: slot, from: source, to: target, batch: 100) == keys.count)
        let layout = try await fleet.finishMigration(slot: slot, from: source, to: target)

        #expect(layout.owner(ofSlot: slot)?.index == target)
        #expect(layout.coversEverySlotOnce)
        for index in fleet.endpoints.indices {
            #expect(try fleet.readClusterLayout(from: index).owner(ofSlot: slot)?.index == target, "node \(index) names the new owner")
        }
        #expect(try send(["CLUSTER", "COUNTKEYSINSLOT", String(slot)], to: target).integer == Int64(keys.count))
        #expect(try send(["GET", keys[7]], to: target).string == "v")
        #expect(try send(["GET", keys[7]], to: source).errorMessage?.hasPrefix("MOVED \(slot) ") == true)
        await fleet.stop()
    }

    @Test("finishing a migration with keys still on the source is refused")
    func finishRefusesOrphans() async throws {
        let fleet = try await RedisFleet.startCluster(primaries: 2)
        let slot = Int(try #require(try RedisProbe.command(["CLUSTER", "KEYSLOT", "orphan"], at: fleet.endpoints[0]).integer))
        let source = try #require(fleet.clusterLayout?.owner(ofSlot: slot)).index
        #expect(try RedisProbe.command(["SET", "orphan", "1"], at: fleet.endpoints[source]) == .simpleString("OK"))
        try fleet.beginMigration(slot: slot, from: source, to: 1 - source)
        await #expect(throws: FleetError.self) { try await fleet.finishMigration(slot: slot, from: source, to: 1 - source) }
        await fleet.stop()
    }
}
