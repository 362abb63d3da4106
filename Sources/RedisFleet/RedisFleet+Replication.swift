import Foundation
import POSIX
import RESP
import RedisConnection

/// A primary with replicas: node 0 is the primary, every other node replicates it.
///
/// Each replica authenticates to the primary as a dedicated ACL user. Switching that user off and
/// dropping the link (`holdReplicationDown()`) keeps replication down for as long as the caller wants:
/// the replica keeps retrying and keeps failing to authenticate. That makes "the primary acknowledged
/// a write the replica never got" certain, not a race against replication lag (which on loopback the
/// primary would almost always lose).
extension RedisFleet {
    static let replicationUser = "lockbench-repl"
    private static let warmUpKey = "lockbench:fleet:replication-warm-up"

    /// Starts a primary and `replicas` replicas of it, and returns once every replica is in sync and
    /// has acknowledged a first write. `options` apply to every node; TCP only (a replica dials its
    /// primary by host and port).
    public static func startReplicated(replicas: Int = 1, options: RedisServerOptions = .init()) async throws(FleetError) -> RedisFleet {
        guard replicas >= 1, options.transport == .tcp else {
            throw FleetError(.invalidArgument, detail: "a replicated fleet needs at least one replica and TCP, not \(replicas) over \(options.transport)")
        }
        let options = TopologyConfig.applying(TopologyConfig.replication(options), to: options)
        let fleet = try await start(count: 1 + replicas, options: options)
        do {
            let password = UUID().uuidString
            // Every node, the primary included, gets the user and the credentials: after a failover any
            // node may be the primary, and the others (the old primary too) must authenticate to it.
            for node in fleet.endpoints {
                try Self.setup(["ACL", "SETUSER", Self.replicationUser, "reset", "on", ">" + password, "~*", "&*", "+@all"], at: node)
                try Self.setup(["CONFIG", "SET", "masteruser", Self.replicationUser], at: node)
                try Self.setup(["CONFIG", "SET", "masterauth", password], at: node)
            }
            for replica in fleet.endpoints.dropFirst() {
                try await fleet.attach(replica: replica)
            }
        } catch {
            await fleet.stop()
            throw error
        }
        return fleet
    }

    private func attach(replica: Endpoint) async throws(FleetError) {
        let primary = endpoints[0]
        // With TLS the replica dials the primary's tls-port (`tls-replication yes`).
        guard case .tcp(let host, let port) = tlsEndpoints.first ?? primary else { return }
        try Self.setup(["REPLICAOF", host, String(port)], at: replica)
        try await Self.poll("replica \(replica) to sync with \(primary)", boundMs: 10_000) {
            Self.replicationInfo(replica).contains("master_link_status:up")
        }
        // After a diskless sync the primary counts the replica (for WAIT, too) only once it has sent its
        // first REPLCONF ACK, which replicas do once a second: wait for that as well.
        try await Self.poll("the primary \(primary) to see its replica online", boundMs: 10_000) {
            Self.replicationInfo(primary).contains("state=online")
        }
        // Redis 7.0's first WAIT after a fresh sync can miss the replica's ack and time out; once one write
        // has been acknowledged, WAITs come back within a millisecond. So acknowledge one write now.
        try await Self.poll("the replica \(replica) to acknowledge a first write", boundMs: 10_000) {
            let replies = try? RedisProbe.commands([["SET", Self.warmUpKey, "1"], ["WAIT", "1", "1000"], ["DEL", Self.warmUpKey]],
                                                   at: primary, timeoutMs: 3_000)
            return replies?.count == 3 && replies?[1].integer == 1
        }
    }

    /// Cuts every replica's link to the primary (node 0) and keeps it down: they can no longer authenticate.
    public func holdReplicationDown() async throws(FleetError) {
        let primary = endpoints[0]
        try Self.setup(["ACL", "SETUSER", Self.replicationUser, "off"], at: primary)
        try Self.setup(["CLIENT", "KILL", "TYPE", "replica"], at: primary)
        try await Self.poll("the primary \(primary) to drop its replicas", boundMs: 5_000) {
            Self.replicationInfo(primary).contains("connected_slaves:0")
        }
    }

    /// `REPLICAOF NO ONE` on node `index`: the manual promotion an operator (or a script) does.
    public func promote(_ index: Int) throws(FleetError) {
        checkIndex(index)
        try Self.setup(["REPLICAOF", "NO", "ONE"], at: endpoints[index])
    }

    static func replicationInfo(_ endpoint: Endpoint) -> String {
        (try? RedisProbe.command(["INFO", "replication"], at: endpoint))?.string ?? ""
    }

    /// One setup command that must succeed; a transport error or an error reply is a replication failure.
    @discardableResult
    static func setup(_ arguments: [String], at endpoint: Endpoint) throws(FleetError) -> RESPValue {
        let what = arguments.prefix(2).joined(separator: " ")
        let reply: RESPValue
        do {
            reply = try RedisProbe.command(arguments, at: endpoint, timeoutMs: 2_000)
        } catch {
            throw FleetError(.replication, endpoint: endpoint, detail: "\(what): \(error)")
        }
        if let message = reply.errorMessage {
            throw FleetError(.replication, endpoint: endpoint, detail: "\(what): \(message)",
                             hint: "Check that this redis-server supports ACL users and diskless replication (6.0 or later).")
        }
        return reply
    }

    /// Polls `condition` every 10 ms; the bound only turns a broken setup into an error.
    static func poll(_ what: String, boundMs: Int, _ condition: () -> Bool) async throws(FleetError) {
        let deadline = MonotonicClock.nanos() + UInt64(boundMs) * 1_000_000
        while !condition() {
            guard MonotonicClock.nanos() < deadline else {
                throw FleetError(.replication, detail: "timed out after \(boundMs) ms waiting for \(what)",
                                 hint: "The machine may be overloaded; the servers' logs are in each node's directory.")
            }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
    }
}
