import Foundation
import RESP
import RedisConnection
import RedisFleet
import TestSupport
import Testing

/// TLS fleets: a run-local CA, a TLS port beside the plain one, replication over TLS, restarts that keep
/// the TLS port, and certificates removed with the fleet.
@Suite("RedisFleet TLS")
struct TLSFleetTests {
    @Test("a TLS fleet serves TLS on its own port with generated certificates, and removes them at stop")
    func servesTLS() async throws {
        let fleet = try await RedisFleet.start(count: 2, options: RedisServerOptions(tls: ServerTLS()))
        let files = try #require(fleet.certificates)
        #expect(fleet.tlsEndpoints.count == 2)
        #expect(Set(fleet.tlsEndpoints).isDisjoint(with: fleet.endpoints))
        for path in [files.caCertificate, files.serverCertificate, files.serverKey, files.clientCertificate, files.clientKey] {
            #expect(FileManager.default.fileExists(atPath: path), "\(path)")
        }
        let key = try FileManager.default.attributesOfItem(atPath: files.serverKey)[.posixPermissions] as? Int
        #expect(key == 0o600)
        // The plain port still answers the fleet's probe; the node says which TLS port it serves.
        let port = try RedisProbe.command(["CONFIG", "GET", "tls-port"], at: fleet.endpoints[0]).elements?.last?.string
        guard case .tcp(_, let tlsPort) = fleet.tlsEndpoints[0] else { Issue.record("not TCP"); return }
        #expect(port == String(tlsPort))
        await fleet.stop()
        #expect(!FileManager.default.fileExists(atPath: files.caCertificate))
    }

    /// Runs `body`, then `stop`, also when `body` throws: no server outlives its test.
    func stopping(_ stop: () async -> Void, _ body: () async throws -> Void) async throws {
        do { try await body() } catch {
            await stop()
            throw error
        }
        await stop()
    }

    func port(_ endpoint: Endpoint) -> Int? {
        if case .tcp(_, let port) = endpoint { return port }
        return nil
    }

    @Test("a replica syncs with its primary over TLS, and a restarted node keeps its TLS port")
    func replicationAndRestart() async throws {
        let fleet = try await RedisFleet.startReplicated(replicas: 1, options: RedisServerOptions(tls: ServerTLS(clientCertificates: .required)))
        try await stopping(fleet.stop) {
            let primaryTLS = try #require(port(fleet.tlsEndpoints[0]))
            let info = try RedisProbe.command(["INFO", "replication"], at: fleet.endpoints[1]).string ?? ""
            #expect(info.contains("master_port:\(primaryTLS)"), "\(info)")
            #expect(info.contains("master_link_status:up"), "\(info)")
            try await fleet.restart(1)
            let served = try RedisProbe.command(["CONFIG", "GET", "tls-port"], at: fleet.endpoints[1]).elements?.last?.string
            #expect(served == port(fleet.tlsEndpoints[1]).map(String.init))
        }
    }

    @Test("Sentinels sharing the data fleet's CA monitor its primary over TLS and find the replica at its TLS port")
    func sentinelsOverTLS() async throws {
        try #require(RedisFleet.sentinelAvailable, "redis-sentinel is not on PATH; install the redis-sentinel package")
        let data = try await RedisFleet.startReplicated(replicas: 1, options: RedisServerOptions(tls: ServerTLS()))
        try await stopping(data.stop) {
            let watch = SentinelWatch(masterName: "tls-primary", primary: data.tlsEndpoints[0])
            let sentinels = try await RedisFleet.startSentinels(
                count: 1, watching: watch, options: RedisServerOptions(tls: ServerTLS(certificates: data.certificates)))
            try await stopping(sentinels.stop) {
                try await sentinels.waitUntilSentinelsKnow(replica: data.tlsEndpoints[1], of: watch.masterName)
                #expect(sentinels.certificates == data.certificates)
            }
        }
    }

    @Test("a TLS Sentinel topology announces TLS ports and fails over to the replica")
    func sentinelTopologyOverTLS() async throws {
        let topology = try await RedisFleet.startSentinelTopology(replicas: 1, sentinels: 3, options: RedisServerOptions(tls: ServerTLS()))
        try await stopping(topology.stop) {
            #expect(topology.sentinelEndpoints == topology.sentinels.tlsEndpoints)
            let address = try RedisProbe.command(["SENTINEL", "GET-MASTER-ADDR-BY-NAME", topology.masterName], at: topology.sentinels.endpoints[0]).elements
            #expect(address?.last?.string == port(topology.servers.tlsEndpoints[0]).map(String.init))
            #expect(try await topology.failover(.sentinelCommand) == 1)
        }
    }

    @Test("a TLS cluster forms over the TLS bus and names TLS ports to a TLS client")
    func clusterOverTLS() async throws {
        let fleet = try await RedisFleet.startCluster(primaries: 3, options: RedisServerOptions(tls: ServerTLS()))
        try await stopping(fleet.stop) {
            #expect(fleet.clusterLayout != nil)
            let info = try RedisProbe.command(["CLUSTER", "INFO"], at: fleet.endpoints[0]).string ?? ""
            #expect(info.contains("cluster_state:ok"), "\(info)")
            let files = try #require(fleet.certificates)
            let connection = try await connector(.native).connect(to: fleet.tlsEndpoints[0], options: ConnectionOptions(tls: files.clientOptions))
            let slots = try await connection.send(["CLUSTER", "SLOTS"])
            connection.close()
            let named = Set((slots.elements ?? []).compactMap { $0.elements?[2].elements?[1].integer }.map(Int.init))
            #expect(named == Set(fleet.tlsEndpoints.compactMap(port)), "CLUSTER SLOTS over TLS named \(named)")
        }
    }

    @Test("TLS over a Unix-socket fleet is refused with the fix")
    func unixRefused() async throws {
        await #expect(throws: FleetError.self) {
            _ = try await RedisFleet.start(options: RedisServerOptions(transport: .unix, tls: ServerTLS()))
        }
    }
}
