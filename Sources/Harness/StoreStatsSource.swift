import BenchMetrics
import LoadDriver
import RedisConnection

/// A consensus store's counters as `ServerStats`, one snapshot per member, so a store run's server cost
/// (requests and CPU per acquisition) comes out of the same `ServerStats.delta` and `CostFigures` as
/// Redis's INFO deltas: requests handled fill `totalCommandsProcessed`, process CPU the CPU fields.
struct StoreStatsSource: ServerStatsSource {
    var endpoints: [Endpoint]
    /// Reads one member; `nil` when it cannot be read (the member is down, say).
    var read: @Sendable (Endpoint) async -> ServerStats?

    func snapshot() async -> [ServerStats?] {
        var result: [ServerStats?] = []
        for endpoint in endpoints { result.append(await read(endpoint)) }
        return result
    }
}
