import RESP
import RedisConnection
import Testing
@testable import RedisFleet

/// Replicas and Sentinels as RedisFleet starts them; each test owns its fleets.
@Suite("RedisFleet replication")
struct ReplicationTests {
    @Test("a replicated fleet copies writes; with the link held down it does not; promote makes a master")
    func replicaFollowsUntilHeldDown() async throws {
        let fleet = try await RedisFleet.startReplicated(replicas: 1)
        let (primary, replica) = (fleet.endpoints[0], fleet.endpoints[1])
        let acked = try RedisProbe.commands([["SET", "repl:a", "1"], ["WAIT", "1", "2000"]], at: primary, timeoutMs: 3_000)
        #expect(acked[1].integer == 1, "the in-sync replica acknowledges the write")
        #expect(try RedisProbe.command(["GET", "repl:a"], at: replica).string == "1")

        try await fleet.holdReplicationDown()
        let unacked = try RedisProbe.commands([["SET", "repl:b", "1"], ["WAIT", "1", "100"]], at: primary, timeoutMs: 3_000)
        #expect(unacked[1].integer == 0, "no replica is connected to acknowledge it")
        #expect(try RedisProbe.command(["GET", "repl:b"], at: replica).isNull, "the write never reached the replica")

        #expect(try RedisProbe.command(["ROLE"], at: replica).elements?.first?.string == "slave")
        try fleet.promote(1)
        #expect(try RedisProbe.command(["ROLE"], at: replica).elements?.first?.string == "master")
        await fleet.stop()
    }

    @Test("a replicated fleet refuses Unix sockets: a replica dials its primary by host and port")
    func replicationNeedsTCP() async {
        await #expect(throws: FleetError.self) {
            _ = try await RedisFleet.startReplicated(replicas: 1, options: RedisServerOptions(transport: .unix))
        }
    }

    @Test("a Sentinel learns the replica and promotes it when the primary dies", .enabled(if: RedisFleet.sentinelAvailable))
    func sentinelPromotes() async throws {
        let fleet = try await RedisFleet.startReplicated(replicas: 1)
        let watch = SentinelWatch(masterName: "fleet-test", primary: fleet.endpoints[0])
        let sentinels = try await RedisFleet.startSentinels(count: 1, watching: watch)
        try await sentinels.waitUntilSentinelsKnow(replica: fleet.endpoints[1], of: watch.masterName)
        fleet.kill(0)
        try await sentinels.waitUntilSentinelsPromote(fleet.endpoints[1], of: watch.masterName)
        #expect(try RedisProbe.command(["ROLE"], at: fleet.endpoints[1]).elements?.first?.string == "master")
        await sentinels.stop()
        await fleet.stop()
    }
}
