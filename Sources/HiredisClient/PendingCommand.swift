import RESP
import RedisConnection

/// Who hears about one command's reply.
enum ReplyTarget: Sendable {
    /// `send(_:completion:)`.
    case single(RedisReplyHandler)
    /// One command of `send(batch:completion:)`: one shared handler plus the index, so a batch
    /// of n commands allocates one closure, not n.
    case indexed(Int, @Sendable (Int, RedisReply) -> Void)
    /// A handshake step (`AUTH`, `SELECT`) the connection sends for itself.
    case handshake(@Sendable (RedisReply) -> Void)
    /// `send(encoded:to:tag:)`: a receiver and its tag, no closure.
    case receiver(any RedisReplyReceiver, Int)

    func deliver(_ reply: RedisReply) {
        switch self {
        case .single(let handler): handler(reply)
        case .indexed(let index, let handler): handler(index, reply)
        case .handshake(let handler): handler(reply)
        case .receiver(let receiver, let tag): receiver.receive(reply, tag: tag)
        }
    }
}

/// How many pub/sub confirmations a `(P)SUBSCRIBE`/`(P)UNSUBSCRIBE` still waits for.
struct PubSubExpectation {
    /// The confirmation kind the server sends back: `subscribe`, `psubscribe`, `unsubscribe` or
    /// `punsubscribe`.
    var kind: String
    /// Confirmations still to come; the command completes with the last one.
    var remaining: Int
}

/// One outstanding command: the box whose address hiredis carries as `privdata`.
///
/// Ownership stays in Swift: `CommandFIFO` holds the only strong reference and hiredis gets the
/// address unretained. A box leaves the FIFO only between hiredis calls (`compact()` runs when no
/// hiredis frame is on the stack), so it outlives every call hiredis can make with it, including
/// 0.14's stale re-invocation of the previous callback (see `replyArrived`). Nothing is retained
/// for hiredis, so nothing can leak if hiredis drops a callback, and nothing can be released twice.
final class PendingCommand {
    private var target: ReplyTarget?
    /// Monotonic time the command was sent (0 when no command timeout is set: the clock is then
    /// not read at all).
    let sentAt: UInt64
    /// Set for pub/sub commands, which hiredis does not route to their own callback.
    var pubSub: PubSubExpectation?
    /// A reply decided without the server: it is delivered when the command reaches the head of
    /// the FIFO, so it still arrives in order.
    let settled: RedisReply?

    init(_ target: ReplyTarget, sentAt: UInt64, pubSub: PubSubExpectation? = nil, settled: RedisReply? = nil) {
        self.target = target
        self.sentAt = sentAt
        self.pubSub = pubSub
        self.settled = settled
    }

    /// Whether the reply has been delivered.
    var isDone: Bool { target == nil }

    /// Delivers `reply` unless one was delivered already: every completion fires exactly once.
    func fire(_ reply: RedisReply) {
        guard let target else { return }
        self.target = nil
        target.deliver(reply)
    }
}

/// A command `send` accepted while the connection must not hand anything to hiredis yet (see
/// `HiredisConnection.holdUntilConfirmed`).
struct HeldCommand {
    var command: [RedisArgument]
    var target: ReplyTarget
}

/// Outstanding commands in send order, which is also reply order: Redis answers every command,
/// pub/sub confirmations included, in the order it received them.
///
/// An array with a moving head instead of a deque: completing the oldest command is an index
/// increment, and the array is compacted between hiredis calls.
struct CommandFIFO {
    private var items: [PendingCommand] = []
    private var head = 0

    /// The oldest command not yet skipped by `dropOldest()` (it may already be done).
    var oldest: PendingCommand? { head < items.count ? items[head] : nil }

    /// Whether nothing is outstanding.
    var isEmpty: Bool { head == items.count }

    mutating func append(_ command: PendingCommand) { items.append(command) }

    /// Moves the head past the oldest command (which keeps its storage until `compact()`).
    mutating func dropOldest() { head += 1 }

    /// Moves the head past commands already done.
    mutating func skipDone() {
        while head < items.count && items[head].isDone { head += 1 }
    }

    /// Frees the storage of passed commands. Only safe when no hiredis frame is on the stack.
    mutating func compact() {
        if head == items.count {
            if head > 0 { items.removeAll(keepingCapacity: true); head = 0 }
        } else if head >= 256 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
    }

    /// Empties the FIFO and returns the commands that were still waiting, oldest first.
    mutating func removeAll() -> [PendingCommand] {
        let rest = Array(items[head...])
        items = []
        head = 0
        return rest
    }
}
