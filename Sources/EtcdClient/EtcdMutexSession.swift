import Dispatch
import EtcdProto
import Locks
import Synchronization
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `etcd-mutex`: clientv3's `concurrency.Mutex` (etcd 3.4), run by the client.
///
/// A contender creates `<key>/<lease hex>-<contender>-<n>` under the session's lease in one Txn (create
/// if absent, else read it), then waits for the key with the next-lower create revision under the prefix
/// to be deleted, by a watch, until none is left: waiters are served in create-revision order, FIFO by
/// construction. clientv3 names the key `<prefix><lease hex>` because one session holds one mutex at a
/// time; here every contender of a lane shares the lane's lease, so the contender id keeps their keys
/// apart (with the lease alone, two contenders would find one key and both believe they hold it).
///
/// `n` numbers the session's acquisitions, so no claim's key is ever named again. clientv3 reuses its
/// key, and a delete whose answer was lost (etcd's "request timed out" may still be applied) then lands
/// on the holder's next claim of the same name: its waiter is granted while it holds. A sweep cell under
/// load showed exactly that (6 overlaps, 3 stale writes its fence refused) before the keys were numbered.
///
/// As in 3.4, the holder does not re-check its own key after the wait: a lease that expired while it
/// waited makes a grant the witness sees as overlapping, which is the unsafety fencing exists for.
public final class EtcdMutexSession: LockStoreSession, @unchecked Sendable {
    // @unchecked: immutable but for the keeper's queue-confined figures.
    let core: EtcdSessionCore
    private let acquisitions = Atomic<UInt64>(0)

    init(core: EtcdSessionCore) {
        self.core = core
    }

    public var queue: DispatchQueue { core.queue }
    public var endpointDescription: String { core.endpointDescription }
    public var liveness: StoreLiveness { core.keeper.liveness }

    public func acquire(key: String, contender: UInt64, deadlineNanos: UInt64?, completion: @escaping (StoreAcquireResult) -> Void) {
        let done = QueueCompletion(queue: core.queue, body: completion)
        let core = self.core
        let serial = acquisitions.add(1, ordering: .relaxed).newValue
        Task { () async -> Void in
            var requests = 0
            var myKey: Data?
            do throws(EtcdError) {
                let lease = try await core.keeper.primaryLease()
                let prefix = EtcdKeys.prefix(of: key)
                let own = prefix + Data("\(EtcdKeys.hex(lease))-\(contender)-\(serial)".utf8)
                myKey = own
                requests += 1
                let myRevision = try await Self.create(own, lease: lease, on: core.connection, deadlineNanos: deadlineNanos)
                let granted = try await Self.waitForPredecessors(of: myRevision, under: prefix, deadlineNanos: deadlineNanos,
                                                                 core: core, requests: &requests)
                if granted {
                    done(.granted(StoreClaim(token: String(decoding: own, as: UTF8.self), fence: myRevision, requests: requests,
                                             validUntilNanos: core.keeper.certainUntilNanos(of: lease))))
                } else {
                    requests += 1
                    // In the background: the acquisition must end by its deadline, and a delete sent to a
                    // member that lost its leader can wait far longer (the name is never reused).
                    core.deleteEventually(own)
                    done(.timedOut(requests: requests))
                }
            } catch {
                // Leaving the key would block every later contender until the lease expires.
                if let myKey {
                    requests += 1
                    core.deleteEventually(myKey)
                }
                // A call cut short by the acquisition's own deadline is the acquisition timing out.
                if error.code == .deadline, let deadlineNanos, LockClock.monotonicNanos() >= deadlineNanos {
                    return done(.timedOut(requests: requests))
                }
                done(.failed(error.lockFailure(operation: "acquire \(key)"), requests: requests))
            }
        }
    }

    /// The Txn of clientv3's tryAcquire: put `key` under `lease` if it has no create revision yet, else
    /// read it; returns the key's create revision.
    static func create(_ key: Data, lease: Int64, on connection: EtcdConnection, deadlineNanos: UInt64? = nil) async throws(EtcdError) -> Int64 {
        var absent = Etcdserverpb_Compare()
        absent.key = key
        absent.target = .create
        absent.result = .equal
        absent.createRevision = 0
        var put = Etcdserverpb_PutRequest()
        put.key = key
        put.lease = lease
        var get = Etcdserverpb_RangeRequest()
        get.key = key
        var request = Etcdserverpb_TxnRequest()
        request.compare = [absent]
        request.success = [.with { $0.requestPut = put }]
        request.failure = [.with { $0.requestRange = get }]
        let response = try await connection.txn(request, deadlineNanos: deadlineNanos)
        if response.succeeded { return response.header.revision }
        guard let existing = response.responses.first?.responseRange.kvs.first else {
            throw EtcdError(.server, call: "etcd \(connection.endpointList) KV.Txn",
                            detail: "the create of \(String(decoding: key, as: UTF8.self)) failed its compare but the key was not there")
        }
        return existing.createRevision
    }

    /// clientv3's waitDeletes: while a key under `prefix` has a lower create revision than ours, watch
    /// the greatest such one until it is deleted. False when the deadline came first.
    static func waitForPredecessors(
        of myRevision: Int64, under prefix: Data, deadlineNanos: UInt64?, core: EtcdSessionCore, requests: inout Int
    ) async throws(EtcdError) -> Bool {
        var range = Etcdserverpb_RangeRequest()
        range.key = prefix
        range.rangeEnd = EtcdKeys.rangeEnd(of: prefix)
        range.maxCreateRevision = myRevision - 1
        range.sortOrder = .descend
        range.sortTarget = .create
        range.limit = 1
        range.keysOnly = true
        var transientFailures = 0
        while true {
            requests += 1
            let response = try await core.connection.range(range, deadlineNanos: deadlineNanos)
            guard let predecessor = response.kvs.first else { return true }
            requests += 1
            let connection = core.connection
            let revision = response.header.revision
            do {
                let deleted: Void? = try await EtcdSessionCore.bounded(by: deadlineNanos) { () async throws(EtcdError) in
                    try await connection.waitForDeletion(of: predecessor.key, afterRevision: revision)
                }
                guard deleted != nil else { return false }
                transientFailures = 0
            } catch where EtcdSessionCore.isTransient(error) && transientFailures < 5 {
                // The watch's member went away: look again (the predecessor may be gone by now) on another.
                transientFailures += 1
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    public func release(key: String, claim: StoreClaim, completion: @escaping (StoreReleaseResult) -> Void) {
        let core = self.core
        core.release(token: claim.token, key: key, afterUnknown: { core.deleteEventually($0) }, completion: completion)
    }

    public func close() {
        let connection = core.connection
        core.keeper.close { connection.close() }
    }
}
