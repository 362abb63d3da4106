import RESP
import RedisConnection

/// `fenced`: `setnx-px` whose acquire script also `INCR`s a per-key counter that never expires, so each
/// grant carries a strictly increasing fencing token the guarded resource can check.
struct FencedAlgorithm: LockAlgorithm {
    func attempt(_ operation: AcquireOperation) { operation.sendFencedAcquire(asSource: false) }

    func receive(_ reply: RedisReply, tag: Int, for operation: AcquireOperation) {
        if operation.context.needsEvalFallback(reply, tag: tag) { return operation.sendFencedAcquire(asSource: true) }
        switch reply {
        case .success(.integer(let fence)): operation.grant(fence: fence)
        case .success(let value) where value.isNull: operation.attemptFailed()
        default: operation.fail(reply)
        }
    }

    func release(_ grant: LockGrant, by locker: Locker, _ completion: LockCompletion<ReleaseReport>) {
        ReleaseOperation.start(grant, by: locker, completion)
    }

    func extend(_ grant: LockGrant, byMs: Int, by locker: Locker, operation: LockOperation, _ finish: @escaping (ExtendOutcome) -> Void) {
        extendByScript(grant, byMs: byMs, by: locker, operation: operation, finish)
    }
}

extension AcquireOperation {
    func sendFencedAcquire(asSource: Bool) {
        let tag = LockTag.fencedAcquire | (asSource ? LockTag.asSource : 0)
        let fence = LockKeys.fence(key)
        context.send(connection, .acquire, self, tag: tag) { writer in
            writer.scriptCall(context.fencedAcquireCall, asSource: asSource)
            writer.argument(key)
            writer.argument(fence)
            writer.argument(token)
            writer.argument(Int64(spec.ttlMs))
        }
    }
}
