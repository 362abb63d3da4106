import Dispatch
import EtcdClient
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Locks
import RedisConnection
import RedisFleet
import Testing

/// What a wrong endpoint or a server without v3lock gives: a clear error, never a hang.
@Suite("etcd bad input", .serialized)
struct EtcdBadInputTests {
    @Test("a Redis port given as etcd: the error names the endpoint and says etcd listens on 2379", arguments: [LockAlgorithmKind.etcdMutex, .etcdLockRPC])
    func redisPort(algorithm: LockAlgorithmKind) async throws {
        let fleet = try await RedisFleet.start(count: 1, options: RedisServerOptions(transport: .tcp))
        let endpoint = fleet.endpoints[0]
        let connector = try EtcdConnector(endpoints: [endpoint])
        let checked = await #expect(throws: EtcdError.self) { try await connector.check(algorithm: algorithm) }
        #expect(checked?.code == .notEtcd)
        #expect(checked?.description.contains(endpoint.description) == true)
        #expect(checked?.description.contains("Is this a Redis port? etcd listens on 2379") == true)
        let spec = LockSpec(algorithm: algorithm, wait: .watch, ttlMs: 5_000)
        let opened = await #expect(throws: EtcdError.self) { _ = try await connector.open(spec: spec, queue: DispatchQueue(label: "bad")) }
        #expect(opened?.code == .notEtcd)
        await fleet.stop()
    }

    @Test("a gRPC server without v3lock: etcd-lock-rpc's check says the service is not served")
    func noLockService() async throws {
        let transport = HTTP2ServerTransport.Posix(address: .ipv4(host: "127.0.0.1", port: 0), transportSecurity: .plaintext)
        let server = GRPCServer(transport: transport, services: [])
        let serving = Task { try await server.serve() }
        defer {
            server.beginGracefulShutdown()
            serving.cancel()
        }
        let port = try #require(try await transport.listeningAddress.ipv4?.port)
        let connection = try EtcdConnection(endpoints: [.tcp(host: "127.0.0.1", port: port)])
        defer { connection.close() }
        let error = await #expect(throws: EtcdError.self) { try await connection.probeLockService() }
        #expect(error?.code == .unimplemented)
        #expect(error?.description.contains("v3lock") == true)
        let connector = try EtcdConnector(endpoints: [.tcp(host: "127.0.0.1", port: port)])
        let checked = await #expect(throws: EtcdError.self) { try await connector.check(algorithm: .etcdLockRPC) }
        #expect(checked?.code == .unimplemented)
    }

    @Test("no endpoint, or a Unix socket, is refused before anything connects")
    func badEndpoints() {
        #expect(throws: EtcdError.self) { try EtcdConnector(endpoints: []) }
        #expect(throws: EtcdError.self) { try EtcdConnector(endpoints: [.unix(path: "/tmp/etcd.sock")]) }
    }
}

/// Server cost and cleanup against a real member.
@Suite("etcd server stats and cleanup", .serialized)
struct EtcdStatsTests {
    @Test("/metrics deltas count the gRPC calls and CPU of a few acquisitions; cleanup deletes only the run's prefix")
    func statsAndCleanup() async throws {
        let cluster = try await EtcdCluster.start(members: 1)
        defer { cluster.stop() }
        let connector = try EtcdConnector(endpoints: cluster.clientEndpoints)
        let other = try EtcdConnection(endpoints: cluster.clientEndpoints)
        defer { other.close() }
        try await other.put("not-ours:keep", value: "1")
        let before = try EtcdServerStats.scrape(cluster.clientEndpoints)
        let spec = LockSpec(algorithm: .etcdMutex, wait: .watch, ttlMs: 10_000)
        let lane = try await EtcdLane.open(connector, spec: spec, label: "stats")
        let locker = await lane.makeLocker()
        var held: [LockGrant] = []
        for index in 0..<5 {
            held.append(try #require(await locker.acquire(key: "run1:lock:\(index)", timeoutMs: 30_000).grant))
        }
        let after = try EtcdServerStats.scrape(cluster.clientEndpoints)
        let used = after.delta(since: before)
        #expect(used.grpcHandled >= 10, "5 acquisitions are at least a Txn and a Range each")
        #expect(used.cpuSeconds >= 0)
        #expect(used.membersRead == 1 && used.unreachable.isEmpty)
        #expect(try await other.countKeys(withPrefix: "run1:") == 5)
        try await connector.cleanup(prefix: "run1:")
        #expect(try await other.countKeys(withPrefix: "run1:") == 0)
        #expect(try await other.countKeys(withPrefix: "not-ours:") == 1)
        lane.close()
    }
}
