import Foundation
import RESP
import RedisConnection
import Testing
@testable import RedisFleet

/// Clusters as RedisFleet starts them; each test owns its fleet and stops it.
@Suite("RedisFleet cluster")
struct ClusterTests {
    @Test("a 3x1 cluster comes up: every slot covered once, one replica per primary, all nodes agree; stop leaves no process")
    func threeByOne() async throws {
        let fleet = try await RedisFleet.startCluster(primaries: 3, replicasPerPrimary: 1)
        let sightings = fleet.nodes.map { ProcessSighting(pid: $0.pid) }
        let layout = try #require(fleet.clusterLayout)
        #expect(layout.nodes.count == 6)
        #expect(layout.primaries.map(\.index) == [0, 1, 2])
        #expect(layout.coversEverySlotOnce)
        for primary in layout.primaries {
            #expect(layout.replicas(of: primary.index).count == 1, "primary \(primary.index) has one replica")
        }
        for index in fleet.endpoints.indices {
            #expect(try fleet.readClusterLayout(from: index) == layout, "node \(index) agrees on the layout")
            let info = try RedisProbe.command(["CLUSTER", "INFO"], at: fleet.endpoints[index]).string ?? ""
            #expect(info.contains("cluster_state:ok"))
            #expect(info.contains("cluster_slots_assigned:16384"))
        }
        // A key is served by the primary that owns its slot and redirected by the others.
        let slot = try #require(RedisProbe.command(["CLUSTER", "KEYSLOT", "fleet-test"], at: fleet.endpoints[0]).integer)
        let owner = try #require(layout.owner(ofSlot: Int(slot)))
        #expect(try RedisProbe.command(["SET", "fleet-test", "1"], at: owner.endpoint) == .simpleString("OK"))
        let other = try #require(layout.primaries.first { $0.index != owner.index })
        #expect(try RedisProbe.command(["GET", "fleet-test"], at: other.endpoint).errorMessage?.hasPrefix("MOVED \(slot) ") == true)

        await fleet.stop()
        for sighting in sightings {
            #expect(!sighting.isAlive, "no cluster node outlives stop: \(sighting)")
        }
        #expect(!FileManager.default.fileExists(atPath: fleet.directory))
    }

    @Test("a cluster with a password: admin commands authenticate and replicas sync")
    func withPassword() async throws {
        let fleet = try await RedisFleet.startCluster(primaries: 1, replicasPerPrimary: 1, options: RedisServerOptions(password: "s3cret pw"))
        let layout = try #require(fleet.clusterLayout)
        #expect(layout.replicas(of: 0).map(\.index) == [1])
        #expect(try RedisProbe.command(["CLUSTER", "INFO"], at: fleet.endpoints[0]).errorMessage?.hasPrefix("NOAUTH") == true)
        await fleet.stop()
    }

    @Test("a cluster refuses Unix sockets and impossible shapes with a clear error")
    func refusesBadInput() async {
        do {
            _ = try await RedisFleet.startCluster(primaries: 3, options: RedisServerOptions(transport: .unix))
            Issue.record("a Unix-socket cluster started")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.description.contains("cluster bus"))
        }
        await #expect(throws: FleetError.self) { _ = try await RedisFleet.startCluster(primaries: 0) }
        await #expect(throws: FleetError.self) { _ = try await RedisFleet.startCluster(primaries: 1, replicasPerPrimary: -1) }
    }

    @Test("even slot ranges split 16384 slots into contiguous parts that differ by at most one")
    func evenSlots() {
        for primaries in 1...7 {
            let ranges = ClusterLayout.evenSlotRanges(primaries: primaries)
            #expect(ranges.first?.lowerBound == 0)
            #expect(ranges.last?.upperBound == ClusterLayout.slotCount - 1)
            #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound + 1 == $1.lowerBound })
            let sizes = ranges.map(\.count)
            #expect(sizes.max()! - sizes.min()! <= 1)
        }
        #expect(ClusterLayout.merged([10...20, 0...9, 30...30, 21...25]) == [0...25, 30...30])
    }

    @Test("CLUSTER NODES lines parse: flags, primary id, slots; migrations are not ownership")
    func parsesClusterNodes() {
        let text = """
            07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@40004 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected
            e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@40001 myself,master - 0 0 1 connected 0-5460 [5461->-292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f]
            292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:30002@40002 master,fail? - 0 1426238316232 2 connected 5461-10922 12000

            """
        let entries = ClusterNodesEntry.parse(text)
        #expect(entries.count == 3)
        #expect(entries[0].primaryID == "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca" && !entries[0].isPrimary)
        #expect(entries[1].slots == [0...5460] && entries[1].isPrimary && entries[1].port == 30001)
        #expect(entries[2].slots == [5461...10922, 12000...12000] && !entries[2].isSettled)
        let layout = ClusterLayout(entries: entries, endpoints: [.tcp(host: "127.0.0.1", port: 30001), .tcp(host: "127.0.0.1", port: 30002),
                                                                 .tcp(host: "127.0.0.1", port: 30004)])
        #expect(layout?.nodes[2].replicaOf == 0)
        #expect(layout?.owner(ofSlot: 12000)?.index == 1)
        #expect(ClusterLayout(entries: entries, endpoints: [.tcp(host: "127.0.0.1", port: 30001)]) == nil, "a node the fleet lacks")
    }
}
