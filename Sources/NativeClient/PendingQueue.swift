import RedisConnection

/// Who hears a command's reply: a closure (`send(_:completion:)`), or a receiver and its tag
/// (`send(encoded:to:tag:)`, the measured path, which allocates nothing per command).
enum ReplyDestination {
    case handler(RedisReplyHandler)
    case receiver(any RedisReplyReceiver, Int)

    /// Delivers the reply.
    @inline(__always)
    func callAsFunction(_ reply: RedisReply) {
        switch self {
        case .handler(let handler): handler(reply)
        case .receiver(let receiver, let tag): receiver.receive(reply, tag: tag)
        }
    }
}

/// One command waiting for its reply.
struct PendingCommand {
    /// Runs once with the reply.
    var completion: ReplyDestination
    /// Replies still to arrive before `completion` runs: n for `SUBSCRIBE` of n channels, else 1.
    var repliesLeft: Int
    /// When the command was queued (monotonic ns), for the command timeout.
    var queuedAt: UInt64
    /// A SUBSCRIBE-family command (counted in `subscribesInFlight` until it completes).
    var subscribes = false
}

/// A FIFO of pending commands that reuses its storage.
///
/// Replies arrive in send order, so a head index over an array beats `removeFirst` (O(n)) and
/// allocates only when the pipeline grows past its largest depth so far.
struct PendingQueue {
    private var items: [PendingCommand?] = []
    private var head = 0

    var isEmpty: Bool { head == items.count }
    var count: Int { items.count - head }

    mutating func append(_ item: PendingCommand) {
        items.append(item)
    }

    var first: PendingCommand? { isEmpty ? nil : items[head] }

    mutating func withFirst<R>(_ body: (inout PendingCommand) -> R) -> R {
        body(&items[head]!)
    }

    mutating func popFirst() -> PendingCommand? {
        guard !isEmpty else { return nil }
        let item = items[head]
        items[head] = nil
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return item
    }

    mutating func removeAll() -> [PendingCommand] {
        let rest = items[head...].compactMap { $0 }
        items.removeAll(keepingCapacity: false)
        head = 0
        return rest
    }
}
