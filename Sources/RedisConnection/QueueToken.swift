import Dispatch
import Synchronization

/// Marks a `DispatchQueue` so a connection (of either client) can ask "am I already on my queue?" with one
/// thread-local lookup, and skip the `queue.async` hop the load driver would otherwise pay on
/// every command it sends from the queue's own callbacks.
///
/// Several connections usually share one queue (about one queue per core), so the token belongs
/// to the queue, not to a connection: the first connection on a queue installs it, the others
/// reuse it.
public final class QueueToken: Sendable {
    private static let key = DispatchSpecificKey<QueueToken>()
    // Two connections created at once on a fresh queue must not install two different tokens
    // (the loser would then never recognise its queue and always hop).
    private static let installLock = Mutex<Void>(())

    private init() {}

    /// The token of `queue`, installing one the first time.
    public static func of(_ queue: DispatchQueue) -> QueueToken {
        installLock.withLock { _ in
            if let token = queue.getSpecific(key: key) { return token }
            let token = QueueToken()
            queue.setSpecific(key: key, value: token)
            return token
        }
    }

    /// Whether the calling code runs on the queue this token marks (or on a queue targeting it).
    public var isCurrent: Bool { DispatchQueue.getSpecific(key: Self.key) === self }
}
