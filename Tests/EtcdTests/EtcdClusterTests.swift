import Foundation
import RedisConnection
import Testing
@testable import RedisFleet

/// The embedded etcd against real `etcd` processes; each test owns its cluster.
@Suite("EtcdCluster")
struct EtcdClusterTests {
    @Test("one member starts healthy, leads, and leaves no process or directory after stop()")
    func singleMember() async throws {
        let cluster = try await EtcdCluster.start(members: 1)
        #expect(cluster.memberCount == 1)
        #expect(try await cluster.leaderIndex() == 0)
        let pids = cluster.state.withLock { $0.pids }
        cluster.stop()
        #expect(ChildRegistry.liveChildren.isDisjoint(with: pids))
        #expect(!FileManager.default.fileExists(atPath: cluster.directory))
    }

    @Test("three members elect one leader; killing it elects another; the killed member rejoins healthy")
    func leaderKill() async throws {
        let cluster = try await EtcdCluster.start(members: 3)
        defer { cluster.stop() }
        let leader = try await cluster.leaderIndex()
        cluster.kill(member: leader)
        #expect(cluster.memberStates[leader] == .killed)
        var newLeader: Int?
        for _ in 0..<200 where newLeader == nil {
            newLeader = try? await cluster.leaderIndex()
            if newLeader == nil { try await Task.sleep(nanoseconds: 50_000_000) }
        }
        let elected = try #require(newLeader, "no new leader within 10 s of killing member \(leader)")
        #expect(elected != leader)
        let stats = try EtcdServerStats.scrape(cluster.clientEndpoints, timeoutMs: 500)
        #expect(stats.membersRead == 2)
        #expect(stats.unreachable == [cluster.clientEndpoints[leader]])
        try await cluster.restart(member: leader)
        #expect(cluster.memberStates[leader] == .running)
    }

    @Test("a paused member is reported paused and runs again after resume")
    func pauseResume() async throws {
        let cluster = try await EtcdCluster.start(members: 1)
        defer { cluster.stop() }
        cluster.pause(member: 0)
        #expect(cluster.memberStates[0] == .paused)
        #expect(throws: HTTPProbeError.self) { try HTTPProbe.get("/health", at: cluster.clientEndpoints[0], timeoutMs: 300) }
        cluster.resume(member: 0)
        #expect(cluster.memberStates[0] == .running)
        #expect(try HTTPProbe.get("/health", at: cluster.clientEndpoints[0], timeoutMs: 5_000).status == 200)
    }

    @Test("no etcd on PATH: the error names the apt package")
    func missingBinary() async throws {
        let error = await #expect(throws: FleetError.self) { try await EtcdCluster.start(members: 1, searchPath: "/nonexistent") }
        #expect(error?.code == .executableNotFound)
        #expect(error?.description.contains("apt-get install etcd-server") == true)
    }

    @Test("a member count other than 1 or 3 is refused before anything starts")
    func badCount() async throws {
        let error = await #expect(throws: FleetError.self) { try await EtcdCluster.start(members: 2) }
        #expect(error?.code == .invalidArgument)
    }
}
