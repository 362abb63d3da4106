import POSIX
import RedisConnection

/// A ZooKeeper server's request counters from `mntr`, and its JVM's CPU: read before and after a run,
/// the difference is the server's cost, the counterpart of Redis's INFO deltas.
public struct ZooKeeperServerStats: Sendable, Hashable {
    /// Client packets the server read (requests and pings) since it started.
    public var packetsReceived: Int64
    /// Packets it wrote (replies, watch events, ping replies).
    public var packetsSent: Int64
    /// Requests queued but not yet answered, at the moment of reading (a level, not a counter).
    public var outstandingRequests: Int64
    public var aliveConnections: Int64
    public var znodeCount: Int64
    /// `standalone`, `leader` or `follower`.
    public var serverState: String
    /// The JVM's user + system CPU so far, seconds, when its pid was given and /proc is readable.
    public var cpuSeconds: Double?

    /// Parses `mntr`'s `key<TAB>value` lines; `nil` when the counters are missing (a server that is not
    /// serving, or `mntr` not in the whitelist).
    public init?(mntr text: String, cpuSeconds: Double? = nil) {
        var values: [Substring: Substring] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1)
            if parts.count == 2 { values[parts[0]] = parts[1] }
        }
        func number(_ key: Substring) -> Int64? { values[key].flatMap { Int64($0) } }
        guard let received = number("zk_packets_received"), let sent = number("zk_packets_sent") else { return nil }
        packetsReceived = received
        packetsSent = sent
        outstandingRequests = number("zk_outstanding_requests") ?? 0
        aliveConnections = number("zk_num_alive_connections") ?? 0
        znodeCount = number("zk_znode_count") ?? 0
        serverState = values["zk_server_state"].map(String.init) ?? "unknown"
        self.cpuSeconds = cpuSeconds
    }

    /// Asks `endpoint` for `mntr`, and reads `/proc/<pid>/stat` when `pid` is given.
    public static func read(_ endpoint: Endpoint, pid: Int32? = nil, timeoutMs: Int = 1_000) throws(FleetError) -> ZooKeeperServerStats {
        let text = try ZooKeeperFourLetter.send("mntr", to: endpoint, timeoutMs: timeoutMs)
        guard let stats = ZooKeeperServerStats(mntr: text, cpuSeconds: pid.flatMap { ProcFS.stat($0)?.cpuSeconds }) else {
            throw FleetError(.invalidArgument, endpoint: endpoint,
                             detail: "ZooKeeper 'mntr' on \(endpoint) gave no packet counters: \(text.prefix(120))",
                             hint: "The server must be serving and allow mntr (4lw.commands.whitelist=mntr,...).")
        }
        return stats
    }

    /// Every running server of `ensemble`, in server order (`nil` for a server killed or paused).
    public static func read(_ ensemble: ZooKeeperEnsemble) -> [ZooKeeperServerStats?] {
        ensemble.clientEndpoints.indices.map { index in
            guard let pid = ensemble.pid(server: index) else { return nil }
            return try? read(ensemble.clientEndpoints[index], pid: pid, timeoutMs: 500)
        }
    }

    /// What happened between `earlier` and this reading: counters and CPU as differences, levels
    /// (outstanding requests, connections, znodes, state) as read now.
    public func since(_ earlier: ZooKeeperServerStats) -> ZooKeeperServerStats {
        var delta = self
        delta.packetsReceived -= earlier.packetsReceived
        delta.packetsSent -= earlier.packetsSent
        if let now = cpuSeconds, let then = earlier.cpuSeconds { delta.cpuSeconds = now - then } else { delta.cpuSeconds = nil }
        return delta
    }
}
