import Foundation
import Locks
import RESP
import RedisConnection
import RedisFleet

/// Primary/replica plumbing for the failover scenario, through `RedisProbe` (plain blocking commands on
/// loopback: setup, not measurement).
///
/// The replica authenticates to the primary as a dedicated ACL user. Switching that user off and
/// dropping the replica's link holds replication down for as long as the scenario wants: the replica
/// keeps retrying and keeps failing to authenticate. That makes "the primary acknowledged the lock but
/// the replica never got it" certain, not a race against replication lag (which on loopback the
/// primary would almost always lose).
enum Replication {
    static let user = "lockbench-chaos-repl"
    /// The key of the warm-up write (on a server the scenario started and owns).
    static let warmUpKey = "lockbench:chaos:replication-warm-up"

    /// Server options for both nodes: diskless full sync with no delay (7.0 waits 5 s by default for
    /// more replicas to join).
    static var serverOptions: RedisServerOptions {
        RedisServerOptions(extraConfig: [
            ConfigDirective("repl-diskless-sync", "yes"), ConfigDirective("repl-diskless-sync-delay", "0"),
        ])
    }

    /// Makes `replica` replicate `primary` and waits until its link is up.
    static func attach(replica: Endpoint, to primary: Endpoint, password: String) async throws(ChaosEnvironmentError) {
        guard case .tcp(let host, let port) = primary else {
            throw ChaosEnvironmentError(.replication, "replication needs a TCP primary, not \(primary)")
        }
        try command(["ACL", "SETUSER", user, "reset", "on", ">" + password, "~*", "&*", "+@all"], at: primary)
        try command(["CONFIG", "SET", "masteruser", user], at: replica)
        try command(["CONFIG", "SET", "masterauth", password], at: replica)
        try command(["REPLICAOF", host, String(port)], at: replica)
        try await waitFor("replica \(replica) to sync with \(primary)", boundMs: 10_000) {
            info(replica).contains("master_link_status:up")
        }
        // After a diskless sync the primary counts the replica (for WAIT, too) only once it has sent its
        // first REPLCONF ACK, which replicas do once a second: wait for that as well.
        try await waitFor("the primary \(primary) to see its replica online", boundMs: 10_000) {
            info(primary).contains("state=online")
        }
        // Redis 7.0's first WAIT after a fresh sync can miss the replica's ack and time out (seen here in
        // about one try in three with `SET` + `WAIT 1 300` on one connection); once one write has been
        // acknowledged, WAITs come back within a millisecond. So acknowledge one write now.
        try await waitFor("the replica \(replica) to acknowledge a first write", boundMs: 10_000) {
            let replies = try? RedisProbe.commands([["SET", warmUpKey, "1"], ["WAIT", "1", "1000"], ["DEL", warmUpKey]],
                                                   at: primary, timeoutMs: 3_000)
            return replies?.count == 3 && replies?[1].integer == 1
        }
    }

    /// Cuts the replication link and keeps it down: the replica can no longer authenticate.
    static func holdLinkDown(primary: Endpoint) async throws(ChaosEnvironmentError) {
        try command(["ACL", "SETUSER", user, "off"], at: primary)
        try command(["CLIENT", "KILL", "TYPE", "replica"], at: primary)
        try await waitFor("the primary \(primary) to drop its replica", boundMs: 5_000) {
            info(primary).contains("connected_slaves:0")
        }
    }

    /// `REPLICAOF NO ONE`: the manual promotion an operator (or a script) does.
    static func promote(_ replica: Endpoint) throws(ChaosEnvironmentError) {
        try command(["REPLICAOF", "NO", "ONE"], at: replica)
    }

    /// `WAIT 1 <timeoutMs>` on the connection that made the write: how many replicas acknowledged it,
    /// or what came back instead of a count.
    static func waitForReplica(_ connection: any RedisConnection, timeoutMs: Int) async -> Result<Int, LockFailure> {
        let reply: RedisReply = await withCheckedContinuation { continuation in
            connection.send(["WAIT", 1, .integer(Int64(timeoutMs))]) { continuation.resume(returning: $0) }
        }
        switch reply {
        case .success(.integer(let n)): return .success(Int(n))
        case .success(let value): return .failure(LockFailure(.unexpectedReply, operation: "WAIT", detail: "\(value)"))
        case .failure(let error): return .failure(LockFailure(.transport, operation: "WAIT", detail: error.description, redisError: error))
        }
    }

    /// The remaining TTL of `key` on `endpoint`, ms (0 when it has none or is gone).
    static func remainingTTL(_ key: String, at endpoint: Endpoint) -> Double {
        guard let reply = try? RedisProbe.command(["PTTL", key], at: endpoint), let ms = reply.integer, ms > 0 else { return 0 }
        return Double(ms)
    }

    static func info(_ endpoint: Endpoint) -> String {
        (try? RedisProbe.command(["INFO", "replication"], at: endpoint))?.string ?? ""
    }

    @discardableResult
    static func command(_ arguments: [String], at endpoint: Endpoint) throws(ChaosEnvironmentError) -> RESPValue {
        let reply: RESPValue
        do {
            reply = try RedisProbe.command(arguments, at: endpoint, timeoutMs: 2_000)
        } catch {
            throw ChaosEnvironmentError(.replication, "\(arguments.prefix(2).joined(separator: " ")) on \(endpoint): \(error)")
        }
        if let message = reply.errorMessage {
            throw ChaosEnvironmentError(.replication, "\(arguments.prefix(2).joined(separator: " ")) on \(endpoint): \(message)")
        }
        return reply
    }

    /// Polls `condition` every 10 ms; the bound only turns a broken setup into an error.
    static func waitFor(_ what: String, boundMs: Int, _ condition: () -> Bool) async throws(ChaosEnvironmentError) {
        let deadline = LockClock.monotonicNanos() + UInt64(boundMs) * 1_000_000
        while !condition() {
            guard LockClock.monotonicNanos() < deadline else {
                throw ChaosEnvironmentError(.replication, "timed out after \(boundMs) ms waiting for \(what)")
            }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
    }
}
