import RESP
import RedisConnection

/// A value that crosses a `@Sendable` boundary but is only ever used on one serial queue.
struct QueueConfined<Value>: @unchecked Sendable {
    // @unchecked: created and used on the owning context's queue only.
    let value: Value
}

/// Base of every in-flight lock operation: counts the commands it sends, and receives the replies of
/// those sent on the measured path (`LockContext.send(_:_:_:tag:_:)`).
class LockOperation: RedisReplyReceiver, @unchecked Sendable {
    // @unchecked: subclasses are confined to their context's queue.
    var commands = 0

    /// A reply to a command sent with `tag`; subclasses that send such commands override it.
    func receive(_ reply: RedisReply, tag: Int) {
        assertionFailure("\(type(of: self)) sent a tagged command but does not receive replies")
    }
}

/// Gathers a batch's replies, which arrive one by one in order.
final class ReplyCollector {
    var replies: [RedisReply?]
    var remaining: Int

    init(count: Int) {
        replies = Array(repeating: nil, count: count)
        remaining = count
    }

    /// Stores one reply; true when it was the last.
    func set(_ index: Int, _ reply: RedisReply) -> Bool {
        if replies[index] == nil { remaining -= 1 }
        replies[index] = reply
        return remaining == 0
    }
}
