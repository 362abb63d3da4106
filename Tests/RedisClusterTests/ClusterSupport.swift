import RedisConnection
import RedisFleet
import TestSupport

@testable import RedisCluster

/// A cluster connection of `kind` seeded at the fleet's first node.
func clusterConnection(_ kind: RedisClientKind, _ fleet: RedisFleet, counters: ClusterCounters = ClusterCounters()) async throws -> ClusterConnection {
    let connection = try await ClusterConnector(wrapping: connector(kind), counters: counters).connect(to: fleet.endpoints[0])
    guard let cluster = connection as? ClusterConnection else { throw ClusterTestError.notCluster }
    return cluster
}

enum ClusterTestError: Error { case notCluster }
