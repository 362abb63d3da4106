import Harness
import Locks
import RedisConnection
import RedisFleet

/// The members of an etcd cluster or ZooKeeper ensemble a store scenario started, with the faults it
/// places on them, behind one face: the scenarios are written once for both stores.
struct StoreServers: Sendable {
    let kind: LockStoreKind
    private let etcd: EtcdCluster?
    private let zookeeper: ZooKeeperEnsemble?

    init(_ cluster: EtcdCluster) {
        kind = .etcd
        etcd = cluster
        zookeeper = nil
    }

    init(_ ensemble: ZooKeeperEnsemble) {
        kind = .zookeeper
        etcd = nil
        zookeeper = ensemble
    }

    var endpoints: [Endpoint] { etcd?.clientEndpoints ?? zookeeper?.clientEndpoints ?? [] }

    /// `1 etcd member`, `3 ZooKeeper servers`.
    var name: String {
        let noun = kind == .etcd ? "member" : "server"
        return "\(endpoints.count) \(kind.displayName) \(noun)\(endpoints.count == 1 ? "" : "s")"
    }

    /// The session timeouts ZooKeeper's servers grant (others are clamped into it); `nil` on etcd.
    var sessionTimeoutRangeMs: ClosedRange<Int>? { zookeeper?.sessionTimeoutRangeMs }

    func pid(_ member: Int) -> Int32? { etcd?.pid(member: member) ?? zookeeper?.pid(server: member) }

    /// The member that leads now (an election may have to finish first: retried for a few seconds).
    func leaderIndex() async throws(ChaosEnvironmentError) -> Int {
        let deadline = LockClock.monotonicNanos() + 20_000_000_000
        var last = "no answer"
        while LockClock.monotonicNanos() < deadline {
            do {
                if let zookeeper { return try await zookeeper.leaderIndex(timeoutMs: 20_000) }
                if let etcd { return try await etcd.leaderIndex() }
            } catch {
                last = "\(error)"
            }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        throw ChaosEnvironmentError(.replication, "no \(kind.displayName) leader among \(name) within 20 s: \(last)")
    }

    func kill(_ member: Int) {
        etcd?.kill(member: member)
        zookeeper?.kill(server: member)
    }

    func pause(_ member: Int) {
        etcd?.pause(member: member)
        zookeeper?.pause(server: member)
    }

    func resume(_ member: Int) {
        etcd?.resume(member: member)
        zookeeper?.resume(server: member)
    }

    func stop() {
        etcd?.stop()
        zookeeper?.stop()
    }

    /// Opens lock sessions on these members: the harness's connector for the store, so the chaos rows
    /// run the same client code `bench run --target` measures.
    func connector() throws(ChaosEnvironmentError) -> any LockStoreConnector {
        do {
            let embedded: (any EmbeddedStore)? = etcd ?? zookeeper
            return try StoreBackends.backend(for: kind).connector(endpoints: endpoints, embedded: embedded)
        } catch {
            throw ChaosEnvironmentError(.connect, "no \(kind.displayName) client for \(name): \(error)")
        }
    }
}

extension ChaosRun {
    /// Starts `members` members of `kind`'s store, runs `body`, and always stops them (their data
    /// directories go with them), tracking every process for the orphan check.
    func withStore<R>(
        _ kind: LockStoreKind, members: Int, _ body: (StoreServers) async throws(ChaosEnvironmentError) -> R
    ) async throws(ChaosEnvironmentError) -> R {
        let servers: StoreServers
        do {
            switch kind {
            case .etcd: servers = StoreServers(try await EtcdCluster.start(members: members))
            case .zookeeper: servers = StoreServers(try await ZooKeeperEnsemble.start(servers: members))
            case .redis: throw ChaosEnvironmentError(.servers, "withStore is for etcd and ZooKeeper, not Redis")
            }
        } catch let error as ChaosEnvironmentError {
            throw error
        } catch {
            throw ChaosEnvironmentError(.servers, "cannot start \(members) \(kind.displayName) member(s): \(error)")
        }
        for member in servers.endpoints.indices { track(servers.pid(member)) }
        defer { servers.stop() }
        return try await body(servers)
    }
}
