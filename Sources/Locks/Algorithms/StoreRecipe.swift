import RESP
import RedisConnection

/// `etcd-mutex`, `etcd-lock-rpc` and `zk-recipe`: the recipe lives in the context's `LockStoreSession`,
/// which queues the waiter itself, so an acquisition is one attempt that the store ends. This adapter is
/// all the Redis-shaped machinery (`AcquireOperation`, `Locker`) needs to know of the store.
struct StoreRecipeAlgorithm: LockAlgorithm {
    // The claim's name in the store (etcd key, znode path) becomes the token when granted.
    var usesAcquisitionToken: Bool { false }

    func attempt(_ operation: AcquireOperation) {
        guard let store = operation.context.store else {
            return operation.fail(LockFailure(.unsupported, operation: operation.operationName,
                                              detail: "\(operation.spec.algorithm) runs on \(operation.spec.algorithm.store), and this context has no store session"))
        }
        store.acquire(key: operation.key, contender: operation.locker.id, deadlineNanos: operation.deadline) { result in
            switch result {
            case .granted(let claim):
                operation.commands += claim.requests
                operation.context.counters.commands += claim.requests
                operation.token = claim.token
                // The witness judges a later grant of the key against how long this claim's lease or
                // session certainly lives, as it judges Redlock's against its validity.
                let until = claim.validUntilNanos ?? operation.startedAt &+ UInt64(operation.spec.ttlMs) &* 1_000_000
                let now = LockClock.monotonicNanos()
                operation.grant(fence: claim.fence, validityMs: until > now ? Double(until - now) / 1e6 : 0)
            case .timedOut(let requests):
                operation.commands += requests
                operation.context.counters.commands += requests
                operation.end(.timedOut)
            case .failed(let failure, let requests):
                operation.commands += requests
                operation.context.counters.commands += requests
                operation.fail(failure)
            }
        }
    }

    func release(_ grant: LockGrant, by locker: Locker, _ completion: LockCompletion<ReleaseReport>) {
        let context = locker.context
        guard let store = context.store else {
            let failure = LockFailure(.unsupported, operation: "release \(grant.key)", detail: "no store session")
            return completion(ReleaseReport(outcome: .failed(failure), commands: 0, nodesReleased: 0))
        }
        let claim = StoreClaim(token: grant.token, fence: grant.fencingToken ?? 0, requests: 0)
        store.release(key: grant.key, claim: claim) { result in
            context.counters.commands += 1
            switch result {
            case .released: completion(ReleaseReport(outcome: .released, commands: 1, nodesReleased: 1))
            case .notOwner: completion(ReleaseReport(outcome: .notOwner, commands: 1, nodesReleased: 0))
            case .failed(let failure): completion(ReleaseReport(outcome: .failed(failure), commands: 1, nodesReleased: 0))
            }
        }
    }

    func extend(_ grant: LockGrant, byMs: Int, by locker: Locker, operation: LockOperation, _ finish: @escaping (ExtendOutcome) -> Void) {
        // The session's lease (or ZooKeeper session) is what keeps a claim alive, renewed by the session
        // itself for as long as the client lives; there is no per-lock TTL to reset.
        finish(.failed(LockFailure(.unsupported, operation: "extend \(grant.key)",
                                   detail: "\(locker.context.spec.algorithm)'s claims live as long as the session's lease; nothing to extend")))
    }
}
