import RESP
import RedisConnection

/// `setnx-px`: `SET key token NX PX ttl`; released by a Lua compare-and-delete (with the publish or
/// FIFO hand-off its wait strategy needs), extended by compare-and-pexpire.
struct SetNXPXAlgorithm: LockAlgorithm {
    func attempt(_ operation: AcquireOperation) { operation.sendSetNX() }

    func receive(_ reply: RedisReply, tag: Int, for operation: AcquireOperation) { operation.receiveSetNX(reply) }

    func release(_ grant: LockGrant, by locker: Locker, _ completion: LockCompletion<ReleaseReport>) {
        ReleaseOperation.start(grant, by: locker, completion)
    }

    func extend(_ grant: LockGrant, byMs: Int, by locker: Locker, operation: LockOperation, _ finish: @escaping (ExtendOutcome) -> Void) {
        extendByScript(grant, byMs: byMs, by: locker, operation: operation, finish)
    }
}
