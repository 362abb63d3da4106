import RedisConnection
import RedisFleet
import TestSupport

@testable import RedisCluster

/// Starts a 3-primary cluster (no replicas), runs `body`, and always stops it.
func withCluster<R>(primaries: Int = 3, _ body: (RedisFleet) async throws -> R) async throws -> R {
    let fleet = try await RedisFleet.startCluster(primaries: primaries)
    do {
        let result = try await body(fleet)
        await fleet.stop()
        return result
    } catch {
        await fleet.stop()
        throw error
    }
}

/// A cluster connection of `kind` seeded at the fleet's first node.
func clusterConnection(_ kind: RedisClientKind, _ fleet: RedisFleet, counters: ClusterCounters = ClusterCounters()) async throws -> ClusterConnection {
    let connection = try await ClusterConnector(wrapping: connector(kind), counters: counters).connect(to: fleet.endpoints[0])
    guard let cluster = connection as? ClusterConnection else { throw ClusterTestError.notCluster }
    return cluster
}

enum ClusterTestError: Error { case notCluster }
