import LoadDriver
@testable import Reports
import Testing

/// Cluster figures of shards on one cluster: the clients' redirects add up, the servers' own figures
/// are counted once.
@Suite struct ShardMergeClusterTests {
    @Test func redirectsAndGrantsAddWhileSlotsAndServerCPUDoNot() throws {
        let a = ClusterFigures(moved: 1, ask: 2, tryAgain: 0, clusterDown: 1, crossSlot: 0, shards: [
            ShardFigures(primary: "p1", slots: 8192, grants: 10, grantsPerSecond: 5, serverCPUPercent: 40),
            ShardFigures(primary: "p2", slots: 8192, grants: 20, grantsPerSecond: 10, serverCPUPercent: 60),
        ])
        let b = ClusterFigures(moved: 3, ask: 0, tryAgain: 4, clusterDown: 0, crossSlot: 0, shards: [
            ShardFigures(primary: "p2", slots: 8192, grants: 7, grantsPerSecond: 3.5, serverCPUPercent: 61),
            ShardFigures(primary: "p1", slots: 8192, grants: 1, grantsPerSecond: 0.5, serverCPUPercent: 41),
        ])
        let merged = try #require(ShardMerge.clusterFigures([a, b]))
        #expect(merged.moved == 4 && merged.ask == 2 && merged.tryAgain == 4 && merged.clusterDown == 1)
        #expect(merged.shards.map(\.primary) == ["p1", "p2"])
        #expect(merged.shards.map(\.grants) == [11, 27])
        #expect(merged.shards.map(\.grantsPerSecond) == [5.5, 13.5])
        #expect(merged.shards.map(\.slots) == [8192, 8192] && merged.shards.map(\.serverCPUPercent) == [40, 60])
        #expect(ShardMerge.clusterFigures([]) == nil)
    }
}
