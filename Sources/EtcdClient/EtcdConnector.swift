import Dispatch
import Locks
import enum RedisConnection.Endpoint
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Opens `etcd-mutex` and `etcd-lock-rpc` sessions on an etcd cluster, and removes a run's keys.
///
/// One gRPC channel per session, not one per connector: a session is one lane, modelled as one client
/// process with its own lease and its own connections. Sharing a channel would put every lane's
/// streams on the same TCP connections and event loop, so one stalled lane (the paused-client fault)
/// or one member's failure would reach every other lane, which a fleet of separate clients never sees.
public struct EtcdConnector: LockStoreConnector {
    /// The members, as given (`--etcd` or the embedded cluster's `clientEndpoints`).
    public let endpoints: [Endpoint]

    public var kind: LockStoreKind { .etcd }

    /// A connector for `endpoints` (TCP, etcd's client port). Nothing is connected until `check` or `open`.
    public init(endpoints: [Endpoint]) throws(EtcdError) {
        guard !endpoints.isEmpty else {
            throw EtcdError(.invalidArgument, call: "etcd", detail: "no endpoint given", hint: "Give at least one etcd URL (127.0.0.1:2379)")
        }
        for endpoint in endpoints {
            guard case .tcp = endpoint else {
                throw EtcdError(.invalidArgument, call: "etcd \(endpoint)", detail: "etcd serves gRPC on TCP, not on a Unix socket",
                                hint: "Give host:port (etcd listens on 2379)")
            }
        }
        self.endpoints = endpoints
    }

    /// Checks, before a run, that the endpoints are etcd (not, say, a Redis port) and that they serve
    /// what `algorithm` calls: v3lock for `etcd-lock-rpc`. Throws an `EtcdError` that names the endpoint
    /// and the fix; the CLI maps it to exit 2.
    public func check(algorithm: LockAlgorithmKind) async throws(EtcdError) {
        let connection = try EtcdConnection(endpoints: endpoints)
        defer { connection.close() }
        try await connection.probe()
        if algorithm == .etcdLockRPC {
            try await connection.probeLockService()
        }
    }

    public func open(spec: LockSpec, queue: DispatchQueue) async throws -> any LockStoreSession {
        let connection = try EtcdConnection(endpoints: endpoints)
        do {
            try await connection.probe()
            let keeper = EtcdLeaseKeeper(connection: connection, queue: queue, ttlMs: spec.ttlMs)
            let core = EtcdSessionCore(queue: queue, connection: connection, keeper: keeper)
            keeper.start()
            switch spec.algorithm {
            case .etcdMutex:
                // Granted now so the first acquisitions do not all wait on it (and a refusal shows at open).
                _ = try await keeper.primaryLease()
                return EtcdMutexSession(core: core)
            case .etcdLockRPC:
                try await connection.probeLockService()
                return EtcdLockRPCSession(core: core)
            default:
                keeper.close { connection.close() }
                throw EtcdError(.invalidArgument, call: "etcd \(connection.endpointList)",
                                detail: "\(spec.algorithm) is not an etcd algorithm", hint: "Use etcd-mutex or etcd-lock-rpc")
            }
        } catch {
            connection.close()
            throw error
        }
    }

    /// Deletes the range `[prefix, prefix+1)`: the run's keys, and nothing outside its prefix.
    public func cleanup(prefix: String) async throws {
        guard !prefix.isEmpty else {
            throw EtcdError(.invalidArgument, call: "etcd cleanup", detail: "an empty prefix would delete every key", hint: "Pass the run's key prefix")
        }
        let connection = try EtcdConnection(endpoints: endpoints)
        defer { connection.close() }
        let start = Data(prefix.utf8)
        _ = try await connection.deleteRange(key: start, rangeEnd: EtcdKeys.rangeEnd(of: start))
    }
}
