import RedisConnection
import Synchronization

/// A primary with replicas and the Sentinels watching it under one master name, started and stopped
/// together: the deployment a Sentinel client (`--sentinel ... --master-name ...`) is pointed at.
///
/// `servers` is a replicated fleet (node 0 is the first primary); `sentinels` is a fleet of
/// `redis-sentinel` processes. Both keep the fleet API (`kill`, `pause`, `restart` by index).
public final class SentinelTopology: Sendable, CustomStringConvertible {
    /// How `failover(_:)` makes the Sentinels move the master.
    public enum FailoverMethod: Sendable, Hashable {
        /// `SENTINEL FAILOVER`: the planned switch an operator asks for; the old primary stays up and
        /// becomes a replica.
        case sentinelCommand
        /// SIGKILL of the primary: the Sentinels must notice it down (`down-after-milliseconds`) and
        /// agree before one of them fails over.
        case killPrimary
    }

    /// The primary and its replicas.
    public let servers: RedisFleet
    /// The `redis-sentinel` processes.
    public let sentinels: RedisFleet
    /// The name the Sentinels know the primary by.
    public let masterName: String
    /// The servers as the Sentinels know them (and tell clients): the TLS ports when the servers
    /// serve TLS, since Sentinels then dial them over TLS; else `servers.endpoints`.
    public var announcedEndpoints: [Endpoint] { servers.announcedEndpoints }
    private let primary: Mutex<Int>

    init(servers: RedisFleet, sentinels: RedisFleet, masterName: String) {
        self.servers = servers
        self.sentinels = sentinels
        self.masterName = masterName
        self.primary = Mutex(0)
    }

    /// Where clients reach the Sentinels (their TLS ports when the topology serves TLS).
    public var sentinelEndpoints: [Endpoint] { sentinels.announcedEndpoints }
    /// The index in `servers` of the node the Sentinels last named as primary (0 until a failover).
    public var primaryIndex: Int { primary.withLock { $0 } }
    /// `servers.endpoints[primaryIndex]`.
    public var primaryEndpoint: Endpoint { servers.endpoints[primaryIndex] }

    /// One line per process, its endpoint first: the primary and the master name, the replicas and
    /// whom they follow, the Sentinels.
    public var description: String {
        let primary = primaryIndex
        let servers = self.servers.endpoints.enumerated().map { index, endpoint in
            index == primary ? "\(endpoint) primary master-name \(masterName)" : "\(endpoint) replica of \(self.servers.endpoints[primary])"
        }
        return (servers + sentinelEndpoints.map { "\($0) sentinel monitors \(masterName)" }).joined(separator: "\n")
    }

    /// Fails the master over and returns the index in `servers` of the new primary once every running
    /// Sentinel names it (each has then published `+switch-master`) and it says it is a primary.
    @discardableResult
    public func failover(_ method: FailoverMethod = .sentinelCommand) async throws(FleetError) -> Int {
        let old = servers.announcedEndpoints[primaryIndex]
        switch method {
        case .sentinelCommand:
            // Right after a start or a previous failover a Sentinel may not yet rate any replica good
            // enough (NOGOODSLAVE) or may still be finishing (INPROG): retry until the bound.
            var lastRefusal = "no reply"
            do {
                try await RedisFleet.poll("a Sentinel to accept SENTINEL FAILOVER \(masterName)", boundMs: 20_000) {
                    // Any running Sentinel will do: a test may have killed or paused the first.
                    guard let sentinel = sentinels.nodes.first(where: { $0.state == .running })?.endpoint,
                          let reply = try? RedisProbe.command(["SENTINEL", "FAILOVER", masterName], at: sentinel) else { return false }
                    lastRefusal = reply.errorMessage ?? ""
                    return reply.errorMessage == nil
                }
            } catch {
                var error = error
                error.detail += " (its last answer: \(lastRefusal))"
                throw error
            }
        case .killPrimary:
            servers.kill(primaryIndex)
        }
        let port = try await sentinels.waitUntilSentinelsSwitch(from: old, of: masterName, probe: servers.probeEndpoint(for:))
        guard let index = servers.announcedEndpoints.firstIndex(of: .tcp(host: "127.0.0.1", port: port)) else {
            throw FleetError(.replication, detail: "the Sentinels named 127.0.0.1:\(port) as \(masterName), which is not a node of this topology")
        }
        let promoted = servers.endpoints[index]
        try await RedisFleet.poll("\(promoted), named by the Sentinels, to say it is the primary", boundMs: 10_000) {
            RedisFleet.isPrimary(promoted)
        }
        primary.withLock { $0 = index }
        return index
    }

    /// Runs `body` on the topology, then stops it whatever `body` does: no process outlives its user.
    public func use<R, E: Error>(_ body: (SentinelTopology) async throws(E) -> R) async throws(E) -> R {
        do {
            let result = try await body(self)
            await stop()
            return result
        } catch {
            await stop()
            throw error
        }
    }

    /// Stops the Sentinels first (so they do not react to the servers going away), then the servers.
    public func stop() async {
        await sentinels.stop()
        await servers.stop()
    }
}

extension RedisFleet {
    /// Starts a primary with `replicas` replicas and `sentinels` Sentinels watching it as `masterName`
    /// (quorum: a majority of the Sentinels), and returns once every Sentinel knows every replica and
    /// every other Sentinel, so a failover can start at once.
    ///
    /// `downAfterMs` is the silence after which a Sentinel calls the primary down: small enough for a
    /// test's failover, large enough that a loaded machine does not trigger one by accident.
    public static func startSentinelTopology(
        replicas: Int = 1, sentinels: Int = 3, masterName: String = "lockbench", downAfterMs: Int = 1_000,
        options: RedisServerOptions = .init()
    ) async throws(FleetError) -> SentinelTopology {
        guard sentinels >= 1, replicas >= 1 else {
            throw FleetError(.invalidArgument, detail: "a Sentinel topology needs at least 1 replica and 1 Sentinel, not \(replicas) and \(sentinels)")
        }
        guard options.password == nil else {
            throw FleetError(.invalidArgument, detail: "a Sentinel topology with a server password is not supported yet",
                             hint: "Start it without RedisServerOptions.password.")
        }
        guard sentinelAvailable else {
            throw FleetError(.executableNotFound, detail: "redis-sentinel is not on PATH",
                             hint: "Install it (Debian/Ubuntu: apt-get install redis-sentinel).")
        }
        let servers = try await startReplicated(replicas: replicas, options: options)
        // Under TLS the Sentinels watch (and announce) TLS ports, and trust the servers' CA.
        let watch = SentinelWatch(masterName: masterName, primary: servers.announcedEndpoints[0], quorum: sentinels / 2 + 1, downAfterMs: downAfterMs)
        var sentinelOptions = options
        sentinelOptions.tls?.certificates = servers.certificates
        let sentinelFleet: RedisFleet
        do {
            sentinelFleet = try await startSentinels(count: sentinels, watching: watch, options: sentinelOptions)
        } catch {
            await servers.stop()
            throw error
        }
        let topology = SentinelTopology(servers: servers, sentinels: sentinelFleet, masterName: masterName)
        do {
            for replica in servers.announcedEndpoints.dropFirst() {
                try await sentinelFleet.waitUntilSentinelsKnow(replica: replica, of: masterName)
            }
            try await sentinelFleet.waitUntilSentinelsKnowEachOther(of: masterName)
        } catch {
            await topology.stop()
            throw error
        }
        return topology
    }
}
