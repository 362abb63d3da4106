import Dispatch
import EtcdProto
import Locks
import Synchronization
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `etcd-lock-rpc`: v3lock's server-side Lock RPC, which runs the same Mutex inside the member.
///
/// The member names the holder's key `<name>/<lease hex>` and treats two Locks with one lease as one
/// acquisition, so contenders of a lane cannot share a lease here as they do in `etcd-mutex`: each
/// contender gets its own lease, granted at its first acquisition and renewed on the session's one
/// keep-alive stream (a lease per client, as v3lock's users have).
public final class EtcdLockRPCSession: LockStoreSession, @unchecked Sendable {
    // @unchecked: immutable but for the keeper's queue-confined figures and `leases` (a Mutex).
    let core: EtcdSessionCore
    private let leases = Mutex<[UInt64: Int64]>([:])

    init(core: EtcdSessionCore) {
        self.core = core
        core.keeper.onLost = { [weak self] lost in
            self?.leases.withLock { leases in
                if let contender = leases.first(where: { $0.value == lost })?.key { leases[contender] = nil }
            }
        }
    }

    public var queue: DispatchQueue { core.queue }
    public var endpointDescription: String { core.endpointDescription }
    public var liveness: StoreLiveness { core.keeper.liveness }

    private func lease(for contender: UInt64, requests: inout Int) async throws(EtcdError) -> Int64 {
        if let lease = leases.withLock({ $0[contender] }) { return lease }
        requests += 1
        let lease = try await core.keeper.grant()
        leases.withLock { $0[contender] = lease }
        return lease
    }

    public func acquire(key: String, contender: UInt64, deadlineNanos: UInt64?, completion: @escaping (StoreAcquireResult) -> Void) {
        let done = QueueCompletion(queue: core.queue, body: completion)
        Task { () async -> Void in
            var requests = 0
            var lease: Int64?
            do throws(EtcdError) {
                let leaseID = try await self.lease(for: contender, requests: &requests)
                lease = leaseID
                let connection = core.connection
                // The name without its slash: the member appends "/<lease hex>", so holders land under
                // `<key>/` as etcd-mutex's do.
                let name = Data(key.utf8)
                requests += 1
                let locked = try await EtcdSessionCore.bounded(by: deadlineNanos) { () async throws(EtcdError) in
                    try await connection.lock(name: name, lease: leaseID)
                }
                guard let locked else {
                    // The cancelled Lock may still create (or be granted) the key inside the member after
                    // this; revoking the lease deletes it whenever it lands and makes any later put under
                    // it fail. The next acquisition of this contender gets a new lease.
                    requests += 1
                    self.retire(leaseID)
                    return done(.timedOut(requests: requests))
                }
                // The response header's revision is the last one the member read, not the key's: the
                // fence is the key's own create revision.
                var get = Etcdserverpb_RangeRequest()
                get.key = locked.key
                requests += 1
                guard let held = try await connection.range(get).kvs.first else {
                    throw EtcdError(.leaseLost, call: "etcd \(connection.endpointList) Lock.Lock",
                                    detail: "the lock key \(String(decoding: locked.key, as: UTF8.self)) was gone right after the grant")
                }
                done(.granted(StoreClaim(token: String(decoding: locked.key, as: UTF8.self), fence: held.createRevision, requests: requests,
                                         validUntilNanos: core.keeper.certainUntilNanos(of: leaseID))))
            } catch {
                // Whatever this Lock did inside the member is unknown: the next acquisition must not take
                // a key it left for its own (the member names it by the lease), so the lease goes with it.
                if let lease { self.retire(lease) }
                done(.failed(error.lockFailure(operation: "acquire \(key)"), requests: requests))
            }
        }
    }

    /// Deletes the holder's key, which is all v3lock's Unlock does inside the member; a DeleteRange also
    /// says whether the key was still there, so a release after the lease expired reads `.notOwner`.
    public func release(key: String, claim: StoreClaim, completion: @escaping (StoreReleaseResult) -> Void) {
        // The member named the key `<name>/<lease hex>`.
        let lease = claim.token.split(separator: "/").last.flatMap { UInt64($0, radix: 16) }.map { Int64(bitPattern: $0) }
        core.release(token: claim.token, key: key, afterUnknown: { [weak self] _ in
            // A delete that may land later would remove the contender's next key of the same name: a new
            // lease gives the next one a new name.
            guard let self, let lease else { return }
            self.retire(lease)
        }, completion: completion)
    }

    /// Stops using `lease` and revokes it in the background: its key, if one is left, goes with it, and
    /// its contender's next acquisition gets a fresh lease (and so a key never used before). Renewals stop
    /// at once, so the lease expires by itself if every revoke fails.
    private func retire(_ lease: Int64) {
        leases.withLock { leases in
            for (contender, held) in leases where held == lease { leases[contender] = nil }
        }
        let keeper = core.keeper
        EtcdSessionCore.inBackground(until: { $0.code == .leaseLost || $0.code == .cancelled }) { () async throws(EtcdError) in
            try await keeper.revoke(lease)
        }
    }

    public func close() {
        let connection = core.connection
        core.keeper.close { connection.close() }
    }
}
