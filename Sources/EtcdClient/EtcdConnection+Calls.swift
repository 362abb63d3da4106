import EtcdProto
import GRPCCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension EtcdConnection {
    /// Checks that the endpoints speak etcd's gRPC: a count-only Range of one key, failing fast.
    ///
    /// Without it a wrong port (Redis's 6379) would show only as every acquisition failing; with it the
    /// run stops before it starts, naming the endpoint.
    /// A wrong port fails at once (its reply is no HTTP/2), so the timeout only bounds a slow first connection.
    public func probe(timeout: Duration = .seconds(10)) async throws(EtcdError) {
        var request = Etcdserverpb_RangeRequest()
        request.key = Data("lockbench-probe".utf8)
        request.countOnly = true
        request.serializable = true
        var options = CallOptions.defaults
        options.timeout = timeout
        options.waitForReady = false
        do {
            _ = try await kv.range(request, options: options)
        } catch {
            var failure = EtcdError.from(error, call: "KV.Range", endpoints: endpointList)
            if failure.code == .deadline {
                // A Redis port answers at once (its reply is no HTTP/2); silence is a slow or stuck server.
                failure.hint = "etcd (or whatever listens there) did not answer within \(timeout): check that it is up and not overloaded"
            } else if failure.code != .unimplemented {
                failure.code = .notEtcd
                failure.hint = "Is this a Redis port? etcd listens on 2379 (gRPC over HTTP/2); check the URL and that etcd runs there"
            }
            throw failure
        }
    }

    /// Grants a lease of `ttlSeconds`; returns its id and the TTL etcd chose (never below its minimum).
    func grant(ttlSeconds: Int64) async throws(EtcdError) -> (id: Int64, ttl: Int64) {
        var request = Etcdserverpb_LeaseGrantRequest()
        request.ttl = ttlSeconds
        let response = try await call("Lease.LeaseGrant") { try await lease.leaseGrant(request, options: Self.unaryOptions) }
        guard response.error.isEmpty else {
            throw EtcdError(.server, call: "etcd \(endpointList) Lease.LeaseGrant", detail: response.error)
        }
        return (response.id, response.ttl)
    }

    /// Revokes lease `id`: every key attached to it is deleted.
    func revoke(_ id: Int64) async throws(EtcdError) {
        var request = Etcdserverpb_LeaseRevokeRequest()
        request.id = id
        _ = try await call("Lease.LeaseRevoke") { try await lease.leaseRevoke(request, options: Self.unaryOptions) }
    }

    func txn(_ request: Etcdserverpb_TxnRequest, deadlineNanos: UInt64? = nil) async throws(EtcdError) -> Etcdserverpb_TxnResponse {
        try await call("KV.Txn") { try await kv.txn(request, options: Self.unaryOptions(until: deadlineNanos)) }
    }

    func range(_ request: Etcdserverpb_RangeRequest, deadlineNanos: UInt64? = nil) async throws(EtcdError) -> Etcdserverpb_RangeResponse {
        try await call("KV.Range") { try await kv.range(request, options: Self.unaryOptions(until: deadlineNanos)) }
    }

    /// Deletes `key`, or the range `[key, rangeEnd)`; returns how many keys went.
    func deleteRange(key: Data, rangeEnd: Data = Data(), deadlineNanos: UInt64? = nil) async throws(EtcdError) -> Int64 {
        var request = Etcdserverpb_DeleteRangeRequest()
        request.key = key
        request.rangeEnd = rangeEnd
        return try await call("KV.DeleteRange") { try await kv.deleteRange(request, options: Self.unaryOptions(until: deadlineNanos)).deleted }
    }

    /// v3lock's Lock: blocks (no timeout: the caller cancels at its deadline) until `name` is held
    /// under `lease`; returns the holder's key.
    func lock(name: Data, lease: Int64) async throws(EtcdError) -> V3lockpb_LockResponse {
        var request = V3lockpb_LockRequest()
        request.name = name
        request.lease = lease
        return try await call("Lock.Lock") { try await lockService.lock(request, options: Self.streamOptions) }
    }

    /// v3lock's Unlock: deletes the holder's key (it says nothing of whether the key was still there).
    func unlock(key: Data) async throws(EtcdError) {
        var request = V3lockpb_UnlockRequest()
        request.key = key
        _ = try await call("Lock.Unlock") { try await lockService.unlock(request, options: Self.unaryOptions) }
    }
}

extension EtcdConnection {
    /// Checks that v3lock is served: an Unlock of the empty key, which etcd refuses ("key is not
    /// provided", so it deletes nothing) where the service exists, and which fails `unimplemented`
    /// where it does not.
    public func probeLockService() async throws(EtcdError) {
        do {
            try await unlock(key: Data())
        } catch where error.code == .unimplemented {
            var failure = error
            failure.hint = "This server does not serve etcd's v3lock service (etcd 3.4+ always does; a gRPC proxy or another server may not): use --algorithm etcd-mutex, or point at an etcd member"
            throw failure
        } catch where error.code == .unavailable || error.code == .deadline || error.code == .cancelled {
            throw error
        } catch {
            // Any refusal from the service itself means it is there.
        }
    }
}

extension EtcdConnection {
    /// How many keys start with `prefix` (a count-only Range): for checks and tests, never the hot path.
    public func countKeys(withPrefix prefix: String) async throws(EtcdError) -> Int {
        var request = Etcdserverpb_RangeRequest()
        request.key = Data(prefix.utf8)
        request.rangeEnd = EtcdKeys.rangeEnd(of: request.key)
        request.countOnly = true
        return Int(try await range(request).count)
    }

    /// Deletes `key` alone; how many keys went (0 or 1). For checks and tests: the recipes delete their own.
    public func deleteKey(_ key: String) async throws(EtcdError) -> Int64 {
        try await deleteRange(key: Data(key.utf8))
    }

    /// Puts `key` = `value` with no lease: for tests that need data the harness did not make.
    public func put(_ key: String, value: String) async throws(EtcdError) {
        var put = Etcdserverpb_PutRequest()
        put.key = Data(key.utf8)
        put.value = Data(value.utf8)
        var request = Etcdserverpb_TxnRequest()
        request.success = [.with { $0.requestPut = put }]
        _ = try await txn(request)
    }
}
