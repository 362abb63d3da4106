import Foundation
import RedisConnection
import RedisFleet
import Testing
import TestSupport

@Suite("ZooKeeper ensemble", .serialized)
struct ZooKeeperEnsembleTests {
    @Test("a standalone server serves, answers mntr, and leaves no process or directory after stop")
    func standalone() async throws {
        let ensemble = try await ZooKeeperEnsemble.start(servers: 1)
        #expect(ensemble.serverCount == 1)
        #expect(try await ensemble.leaderIndex() == 0)
        let mntr = try ZooKeeperFourLetter.send("mntr", to: ensemble.clientEndpoints[0])
        #expect(mntr.contains("zk_server_state\tstandalone"))
        let pid = try #require(ensemble.pid(server: 0))
        ensemble.stop()
        #expect(kill(pid, 0) != 0)
        #expect(ensemble.pid(server: 0) == nil)
    }

    @Test("a 3-server quorum elects a leader, elects another after the leader is killed, and takes the old one back")
    func quorumLeaderLoss() async throws {
        let ensemble = try await ZooKeeperEnsemble.start(servers: 3)
        defer { ensemble.stop() }
        let leader = try await ensemble.leaderIndex()
        ensemble.kill(server: leader)
        let next = try await ensemble.leaderIndex()
        #expect(next != leader)
        try await ensemble.restart(server: leader)
        #expect(ZooKeeperFourLetter.mode(of: ensemble.clientEndpoints[leader]) == "follower")
        // A paused server answers nothing until resumed; the quorum keeps its leader meanwhile.
        ensemble.pause(server: leader)
        #expect(ZooKeeperFourLetter.mode(of: ensemble.clientEndpoints[leader], timeoutMs: 300) == nil)
        #expect(try await ensemble.leaderIndex() == next)
        ensemble.resume(server: leader)
        #expect(await eventually { ZooKeeperFourLetter.mode(of: ensemble.clientEndpoints[leader]) == "follower" })
    }

    @Test("no java or no server jar is an error naming apt-get install zookeeper")
    func missingServer() throws {
        let noJar = #expect(throws: FleetError.self) {
            try ZooKeeperEnsemble.checkInstalled(serverJar: "/nonexistent/zookeeper.jar")
        }
        #expect(noJar?.description.contains("apt-get install zookeeper") == true)
        let noJava = #expect(throws: FleetError.self) {
            try ZooKeeperEnsemble.checkInstalled(searchPath: "/nonexistent")
        }
        #expect(noJava?.description.contains("java") == true)
        #expect(noJava?.description.contains("apt-get install zookeeper") == true)
    }

    @Test("an even server count is refused")
    func evenCount() async {
        await #expect(throws: FleetError.self) { try await ZooKeeperEnsemble.start(servers: 2) }
    }
}
