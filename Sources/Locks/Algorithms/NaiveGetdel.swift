import RESP
import RedisConnection

/// `naive-getdel`: acquired like `setnx-px`, released by `GET` then a delete (the pitfall): between the
/// two the lock can expire and be taken, and the delete then removes another owner's lock.
///
/// The delete is sent as `GETDEL`, which deletes unconditionally exactly like the pitfall's `DEL` (same
/// race, same cost) but names the value it removed, so each wrong-owner delete is reported, not guessed.
struct NaiveGetdelAlgorithm: LockAlgorithm {
    func attempt(_ operation: AcquireOperation) { operation.sendSetNX() }

    func receive(_ reply: RedisReply, tag: Int, for operation: AcquireOperation) { operation.receiveSetNX(reply) }

    func release(_ grant: LockGrant, by locker: Locker, _ completion: LockCompletion<ReleaseReport>) {
        let context = locker.context
        let operation = LockOperation()
        let finish = context.releaseFinisher(operation, completion)
        let connection = context.connections[0]
        let name = "release \(grant.key)"
        context.send(connection, ["GET", .string(grant.key)], .release, operation) { reply in
            guard case .success(let value) = reply, value.errorMessage == nil else {
                return finish(.failed(Locker.failure(reply, name)), 0)
            }
            guard value.string == grant.token else { return finish(.notOwner, 0) }
            let delete = {
                let batch = context.wakingWaiters(after: ["GETDEL", .string(grant.key)], key: grant.key)
                context.send(connection, batch: batch, .release, operation) { replies in
                    guard case .success(let deleted) = replies[0], deleted.errorMessage == nil else {
                        return finish(.failed(Locker.failure(replies[0], name)), 0)
                    }
                    if deleted.isNull {
                        finish(.notOwner, 0) // expired between GET and delete: nothing deleted
                    } else if let other = deleted.string, other != grant.token {
                        finish(.wrongOwnerDelete(deletedToken: other), 1)
                    } else {
                        finish(.released, 1)
                    }
                }
            }
            if let hook = context.beforeNaiveDelete {
                let proceed = QueueConfined(value: delete)
                hook(grant.key) { context.queue.async { proceed.value() } }
            } else {
                delete()
            }
        }
    }

    func extend(_ grant: LockGrant, byMs: Int, by locker: Locker, operation: LockOperation, _ finish: @escaping (ExtendOutcome) -> Void) {
        extendByScript(grant, byMs: byMs, by: locker, operation: operation, finish)
    }
}
