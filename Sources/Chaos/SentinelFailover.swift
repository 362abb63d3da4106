import Foundation
import Locks
import RedisConnection
import RedisFleet

/// One Redis Sentinel watching the failover scenario's primary, started through RedisFleet with the
/// `redis-sentinel` binary (the redis-server executable under the name that selects Sentinel mode; the
/// Debian package `redis-sentinel` provides it). Optional: the scenario skips this variant, with a
/// note, when it is not installed.
enum SentinelFailover {
    static let master = "lockbench-chaos"

    /// Whether `redis-sentinel` is on PATH.
    static var available: Bool { (try? RedisFleet.locateRedisServer(override: "redis-sentinel")) != nil }

    /// Options that make a fleet node a Sentinel for `primary`: quorum 1 (the only Sentinel), the
    /// primary down after 200 ms without a reply, so a failover takes about a second, not 30 s.
    static func options(monitoring primary: Endpoint) throws(ChaosEnvironmentError) -> RedisServerOptions {
        guard case .tcp(let host, let port) = primary else {
            throw ChaosEnvironmentError(.replication, "Sentinel needs a TCP primary, not \(primary)")
        }
        return RedisServerOptions(extraConfig: [
            ConfigDirective("sentinel", "monitor", master, host, String(port), "1"),
            ConfigDirective("sentinel", "down-after-milliseconds", master, "200"),
            ConfigDirective("sentinel", "failover-timeout", master, "5000"),
        ], executable: "redis-sentinel")
    }

    /// Waits until the Sentinel has discovered `replica` (it must know it before the primary dies, or it
    /// has nobody to promote).
    static func waitUntilKnown(_ replica: Endpoint, sentinel: Endpoint) async throws(ChaosEnvironmentError) {
        guard case .tcp(_, let port) = replica else { return }
        try await Replication.waitFor("Sentinel to discover the replica \(replica)", boundMs: 10_000) {
            guard let reply = try? RedisProbe.command(["SENTINEL", "REPLICAS", master], at: sentinel) else { return false }
            return (reply.elements ?? []).contains { entry in
                let fields = (entry.elements ?? []).compactMap(\.string)
                return fields.contains(String(port))
            }
        }
    }

    /// Waits until the Sentinel names `replica` as the master and the replica says it is one.
    static func waitUntilPromoted(_ replica: Endpoint, sentinel: Endpoint) async throws(ChaosEnvironmentError) {
        guard case .tcp(_, let port) = replica else { return }
        try await Replication.waitFor("Sentinel to promote \(replica)", boundMs: 20_000) {
            guard let reply = try? RedisProbe.command(["SENTINEL", "GET-MASTER-ADDR-BY-NAME", master], at: sentinel),
                  let address = reply.elements, address.count == 2, address[1].string == String(port) else { return false }
            let role = try? RedisProbe.command(["ROLE"], at: replica)
            return role?.elements?.first?.string == "master"
        }
    }
}
