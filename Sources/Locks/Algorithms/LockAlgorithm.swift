import RESP
import RedisConnection

/// One lock algorithm's commands: how an attempt is sent and its replies read, and how a grant is
/// released and extended. What happens between attempts is the wait strategy's (`Waiting.swift`), so an
/// algorithm only reports "granted" (`operation.grant`), "held by another" (`operation.attemptFailed`)
/// or an error (`operation.fail`).
///
/// Implementations are stateless values held once per context: calling one is a witness-table call,
/// with nothing allocated per attempt.
protocol LockAlgorithm: Sendable {
    /// Whether an acquisition carries a random token from its start (Redlock makes one per attempt;
    /// legacy-getset's value is an expiry).
    var usesAcquisitionToken: Bool { get }
    /// Sends one attempt of `operation` (its attempt has already been counted).
    func attempt(_ operation: AcquireOperation)
    /// The reply to a command the attempt sent on the measured path with `tag`.
    func receive(_ reply: RedisReply, tag: Int, for operation: AcquireOperation)
    /// Releases `grant`; `completion` runs once on the queue.
    func release(_ grant: LockGrant, by locker: Locker, _ completion: LockCompletion<ReleaseReport>)
    /// Resets the grant's TTL to `byMs` if it is still ours; `finish` runs once on the queue.
    func extend(_ grant: LockGrant, byMs: Int, by locker: Locker, operation: LockOperation, _ finish: @escaping (ExtendOutcome) -> Void)
    /// Added to the wait strategy's delay after a failed attempt, ns (Redlock's random retry delay).
    func retryDelayNanos(_ context: LockContext) -> UInt64
}

extension LockAlgorithm {
    var usesAcquisitionToken: Bool { true }

    func receive(_ reply: RedisReply, tag: Int, for operation: AcquireOperation) {
        assertionFailure("\(Self.self) received a reply tagged \(tag) it never sent")
    }

    func retryDelayNanos(_ context: LockContext) -> UInt64 { 0 }

    /// Compare-and-pexpire by script: the extend of every single-instance algorithm that has one.
    func extendByScript(_ grant: LockGrant, byMs: Int, by locker: Locker, operation: LockOperation, _ finish: @escaping (ExtendOutcome) -> Void) {
        let name = "extend \(grant.key)"
        let context = locker.context
        context.eval(context.connections[0], LockScripts.compareAndPexpire, keys: [grant.key],
                     args: [.string(grant.token), .integer(Int64(byMs))], .extend, operation) { reply in
            switch reply {
            case .success(.integer(1)): finish(.extended(validityMs: Double(byMs)))
            case .success(.integer(0)): finish(.notOwner)
            default: finish(.failed(Locker.failure(reply, name)))
            }
        }
    }
}

extension LockAlgorithmKind {
    /// The algorithm's commands; made once per context.
    var implementation: any LockAlgorithm {
        switch self {
        case .setnxPX: return SetNXPXAlgorithm()
        case .legacyGetset: return LegacyGetsetAlgorithm()
        case .naiveGetdel: return NaiveGetdelAlgorithm()
        case .fenced: return FencedAlgorithm()
        case .redlock: return RedlockAlgorithm()
        case .etcdMutex, .etcdLockRPC, .zkRecipe: return StoreRecipeAlgorithm()
        }
    }
}

extension AcquireOperation {
    /// `SET key token NX PX ttl` on the measured path (setnx-px and naive-getdel acquire alike).
    func sendSetNX() {
        context.send(connection, .acquire, self, tag: LockTag.setNX) { writer in
            writer.setNX(key: key, token: token, encoded: context.setNX)
        }
    }

    /// The reply to `sendSetNX`.
    func receiveSetNX(_ reply: RedisReply) {
        switch reply {
        case .success(.simpleString("OK")): grant()
        case .success(let value) where value.isNull: attemptFailed()
        default: fail(reply)
        }
    }
}
