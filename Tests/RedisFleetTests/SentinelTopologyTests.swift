import RESP
import RedisConnection
import TestSupport
import Testing
@testable import RedisFleet

/// A primary, replicas and three Sentinels as one topology; each test owns and stops its own.
@Suite("RedisFleet Sentinel topology")
struct SentinelTopologyTests {
    @Test("1 primary, 2 replicas, 3 Sentinels: every Sentinel knows both replicas; SENTINEL FAILOVER then kill -9 each move the master")
    func failovers() async throws {
        let topology = try await RedisFleet.startSentinelTopology(replicas: 2, sentinels: 3, masterName: "topology-test")
        #expect(topology.sentinelEndpoints.count == 3)
        #expect(topology.primaryIndex == 0)
        for sentinel in topology.sentinelEndpoints {
            let address = try RedisProbe.command(["SENTINEL", "GET-MASTER-ADDR-BY-NAME", "topology-test"], at: sentinel).elements
            #expect(address?.last?.string == String(port(of: topology.primaryEndpoint)))
            #expect(try RedisProbe.command(["SENTINEL", "REPLICAS", "topology-test"], at: sentinel).elements?.count == 2)
        }

        let promoted = try await topology.failover(.sentinelCommand)
        #expect(promoted != 0)
        #expect(topology.primaryIndex == promoted)
        #expect(try RedisProbe.command(["ROLE"], at: topology.servers.endpoints[promoted]).elements?.first?.string == "master")
        // The old primary, still up, follows the new one: it can authenticate to it.
        let followed = await eventually {
            let info = (try? RedisProbe.command(["INFO", "replication"], at: topology.servers.endpoints[0]))?.string ?? ""
            return info.contains("role:slave") && info.contains("master_port:\(port(of: topology.primaryEndpoint))")
                && info.contains("master_link_status:up")
        }
        #expect(followed, "the old primary replicates from the new one")

        let second = try await topology.failover(.killPrimary)
        #expect(second != promoted)
        #expect(topology.servers.nodes[promoted].state == .killed)
        #expect(try RedisProbe.command(["ROLE"], at: topology.servers.endpoints[second]).elements?.first?.string == "master")
        await topology.stop()
    }

    @Test("over TLS: the Sentinels dial the servers' TLS ports with the servers' CA, and a failover follows")
    func overTLS() async throws {
        let topology = try await RedisFleet.startSentinelTopology(replicas: 1, masterName: "topology-tls", options: RedisServerOptions(tls: ServerTLS()))
        #expect(topology.announcedEndpoints == topology.servers.tlsEndpoints)
        #expect(topology.sentinels.certificates == topology.servers.certificates)
        let address = try RedisProbe.command(["SENTINEL", "GET-MASTER-ADDR-BY-NAME", "topology-tls"], at: topology.sentinels.endpoints[0]).elements
        #expect(address?.last?.string == String(port(of: topology.servers.tlsEndpoints[0])))
        #expect(try await topology.failover(.sentinelCommand) == 1)
        await topology.stop()
    }

    @Test("a Sentinel topology refuses what it cannot run, with the reason")
    func refusesBadInput() async {
        await #expect(throws: FleetError.self) { _ = try await RedisFleet.startSentinelTopology(replicas: 0) }
        await #expect(throws: FleetError.self) { _ = try await RedisFleet.startSentinelTopology(sentinels: 0) }
        await #expect(throws: FleetError.self) { _ = try await RedisFleet.startSentinelTopology(options: RedisServerOptions(password: "pw")) }
    }
}

private func port(of endpoint: Endpoint) -> Int {
    guard case .tcp(_, let port) = endpoint else { return -1 }
    return port
}
