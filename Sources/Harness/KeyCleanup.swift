import Dispatch
import RedisConnection

/// The end-of-run cleanup: every key under the run's prefix, on every server, whatever way the run
/// ended (finished, Ctrl-C, a setup failure half-way, a dead server). SCAN + UNLINK of the prefix
/// only, never a flush: other runs' keys and the server's own data stay.
enum KeyCleanup {
    /// Deletes the keys on each reachable server; returns how many. A server that cannot be reached
    /// (it died, which may be why the run ended) is skipped: it has nothing to clean any more, or
    /// the next run's prefix differs.
    @discardableResult
    static func run(prefix: String, endpoints: [Endpoint], connector: any RedisConnector, options: ConnectionOptions) async -> Int {
        let queue = DispatchQueue(label: "lockbench.cleanup")
        let (connector, group) = ClusterTarget.cleanupPlan(connector)
        var deleted = 0
        for endpoint in endpoints {
            guard let connection = try? await connector.connect(to: endpoint, options: options, queue: queue) else { continue }
            deleted += (try? await connection.deleteKeys(prefix: prefix, group: group)) ?? 0
            connection.close()
        }
        return deleted
    }
}
