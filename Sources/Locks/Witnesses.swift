import Dispatch
import RESP
import RedisConnection
import Synchronization

/// Detects two holders of one key at once: contenders call `enter` right after a grant and `exit` right
/// before releasing. Lock-free (three atomics), safe from any queue, so one witness can watch a key
/// whose contenders live on different queues.
public final class MutexWitness: Sendable {
    private let inside = Atomic<Int>(0)
    private let overlapCount = Atomic<Int>(0)
    private let entryCount = Atomic<Int>(0)
    private let holder = Atomic<UInt64>(0)
    private let unbalanced = Atomic<Int>(0)

    /// Makes a witness for one key.
    public init() {}

    /// `holderID` now believes it holds the key. Returns false (and counts an overlap) when another
    /// holder is already inside: a mutual-exclusion violation.
    @discardableResult
    public func enter(holderID: UInt64) -> Bool {
        entryCount.add(1, ordering: .relaxed)
        let before = inside.add(1, ordering: .acquiringAndReleasing).oldValue
        holder.store(holderID, ordering: .relaxed)
        if before > 0 {
            overlapCount.add(1, ordering: .relaxed)
            return false
        }
        return true
    }

    /// `holderID` is about to release (or has lost) the key.
    public func exit(holderID: UInt64) {
        let before = inside.subtract(1, ordering: .acquiringAndReleasing).oldValue
        if before <= 0 {
            unbalanced.add(1, ordering: .relaxed)
            inside.add(1, ordering: .relaxed)
        }
    }

    /// Entries that found another holder inside (mutual-exclusion violations).
    public var overlaps: Int { overlapCount.load(ordering: .relaxed) }
    /// All entries.
    public var entries: Int { entryCount.load(ordering: .relaxed) }
    /// Holders inside now.
    public var holders: Int { inside.load(ordering: .relaxed) }
    /// `exit` calls with nobody inside (a harness bug, not a lock bug).
    public var unbalancedExits: Int { unbalanced.load(ordering: .relaxed) }
    /// The holder that entered last.
    public var lastHolder: UInt64 { holder.load(ordering: .relaxed) }
}

/// The resource a fencing token protects, in process: it accepts a write only with a token ≥ the highest
/// it has seen, and counts the stale writes it refuses. Thread-safe.
public final class FencedResource: Sendable {
    private struct State {
        var highest: Int64 = .min
        var accepted = 0
        var rejected = 0
        var lastWriter: UInt64 = 0
    }
    private let state = Mutex(State())

    /// Makes an empty resource.
    public init() {}

    /// Writes with `token`; false when refused as stale (a lower token than one already seen).
    @discardableResult
    public func write(token: Int64, writerID: UInt64 = 0) -> Bool {
        state.withLock { s in
            if token < s.highest {
                s.rejected += 1
                return false
            }
            s.highest = token
            s.accepted += 1
            s.lastWriter = writerID
            return true
        }
    }

    /// The highest token accepted (`nil` before the first write).
    public var highestToken: Int64? { state.withLock { $0.highest == .min ? nil : $0.highest } }
    /// Writes accepted.
    public var acceptedWrites: Int { state.withLock { $0.accepted } }
    /// Stale writes refused.
    public var rejectedWrites: Int { state.withLock { $0.rejected } }
}

/// The fenced resource as a Redis hash guarded by a Lua script (`LockScripts.fencedWrite`): what a
/// storage service that checks fencing tokens would do. Fields: `fence`, `value`, `rejected`.
public struct RedisFencedResource: Sendable {
    /// The connection the writes go on.
    public let connection: any RedisConnection
    /// The hash key.
    public let key: String

    /// Makes a resource at `key`.
    public init(connection: any RedisConnection, key: String) {
        self.connection = connection
        self.key = key
    }

    /// Writes `value` with `token`; completes on the connection's queue with true (accepted) or false
    /// (refused as stale), or the failure.
    public func write(token: Int64, value: String, completion: @escaping @Sendable (Result<Bool, LockFailure>) -> Void) {
        let script = LockScripts.fencedWrite
        let tail: [RedisArgument] = [1, .string(key), .integer(token), .string(value)]
        let name = "fenced write \(key)"
        let connection = self.connection
        let handle: @Sendable (RedisReply) -> Void = { reply in
            switch reply {
            case .success(.integer(let n)): completion(.success(n == 1))
            default: completion(.failure(Locker.failure(reply, name)))
            }
        }
        connection.send(["EVALSHA", .string(script.sha1)] + tail) { reply in
            if LockScripts.isNoScript(reply) {
                connection.send(["EVAL", .string(script.source)] + tail, completion: handle)
            } else {
                handle(reply)
            }
        }
    }

    /// `write` for async callers.
    public func write(token: Int64, value: String) async -> Result<Bool, LockFailure> {
        await withCheckedContinuation { continuation in
            write(token: token, value: value) { continuation.resume(returning: $0) }
        }
    }
}
