import Dispatch
import RESP
import RedisConnection
import Synchronization

/// The witness (`LeaseWitness`, per key) behind a `Mutex`, for holders on several queues or in other
/// processes (a chaos parent records a worker's grant and release as the worker reports them). The
/// driver's lanes use `LeaseWitness` directly: their keys are confined to one queue.
public final class MutexWitness: Sendable {
    private struct State {
        var keys: [String: LeaseWitness] = [:]
        var overlaps = 0
        var doubleGrants = 0
        var entries = 0
        var unbalanced = 0
    }
    private let state = Mutex(State())

    public init() {}

    /// `holderID` now believes it holds `key`, with a lease valid until `validUntilNanos` (monotonic,
    /// one clock for every process on the machine; `.max`: no lease judged, so any overlap is also
    /// counted as a double grant). Counts one overlap, and one double grant, per entry that finds them.
    @discardableResult
    public func enter(
        key: String = "", holderID: UInt64, validUntilNanos: UInt64 = .max, now: UInt64 = LockClock.monotonicNanos()
    ) -> LeaseWitness.Entry {
        state.withLock { s in
            s.entries += 1
            let entry = s.keys[key, default: LeaseWitness()].enter(holderID, validUntilNanos: validUntilNanos, now: now)
            if entry.overlap { s.overlaps += 1 }
            if entry.doubleGrant { s.doubleGrants += 1 }
            return entry
        }
    }

    /// `holderID` no longer believes it holds `key` (released, lost or gave up).
    public func exit(key: String = "", holderID: UInt64) {
        state.withLock { s in
            if s.keys[key]?.exit(holderID) != true { s.unbalanced += 1 }
            if s.keys[key]?.holders.isEmpty == true { s.keys[key] = nil }
        }
    }

    /// Entries that found another holder inside (mutual-exclusion violations).
    public var overlaps: Int { state.withLock { $0.overlaps } }
    /// Entries that found another holder whose lease was still valid.
    public var doubleGrants: Int { state.withLock { $0.doubleGrants } }
    /// All entries.
    public var entries: Int { state.withLock { $0.entries } }
    /// Holders inside now, over every key.
    public var holders: Int { state.withLock { $0.keys.values.reduce(0) { $0 + $1.holders.count } } }
    /// `exit` calls for a holder that was not inside (a harness bug, not a lock bug).
    public var unbalancedExits: Int { state.withLock { $0.unbalanced } }
}

/// The resource a fencing token protects, in process (`FenceHighWater`'s rule behind a `Mutex`),
/// counting the stale writes it refuses.
public final class FencedResource: Sendable {
    private struct State {
        var fence = FenceHighWater()
        var accepted = 0
        var rejected = 0
    }
    private let state = Mutex(State())

    public init() {}

    /// Writes with `token`; false when refused as stale (a lower token than one already seen).
    @discardableResult
    public func write(token: Int64) -> Bool {
        state.withLock { s in
            guard s.fence.accept(token) else {
                s.rejected += 1
                return false
            }
            s.accepted += 1
            return true
        }
    }

    /// The highest token accepted (`nil` before the first write).
    public var highestToken: Int64? { state.withLock { $0.fence.highest == .min ? nil : $0.fence.highest } }
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
