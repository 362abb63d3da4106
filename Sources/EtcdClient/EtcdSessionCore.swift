import Dispatch
import EtcdProto
import Locks
import POSIX
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What both etcd recipes' sessions share: the queue, the channel, the leases, and the waits bounded by
/// an acquisition's deadline.
struct EtcdSessionCore: Sendable {
    let queue: DispatchQueue
    let connection: EtcdConnection
    let keeper: EtcdLeaseKeeper

    var endpointDescription: String { "etcd \(connection.endpointList)" }

    /// Runs `body` until `deadlineNanos` (monotonic; nil: no bound). Returns nil when the deadline came
    /// first, after cancelling `body` (a gRPC call in it is cancelled on the wire too).
    static func bounded<T: Sendable>(
        by deadlineNanos: UInt64?, _ body: @escaping @Sendable () async throws(EtcdError) -> T
    ) async throws(EtcdError) -> T? {
        guard let deadlineNanos else { return try await body() }
        let now = MonotonicClock.nanos()
        guard deadlineNanos > now else { return nil }
        let remaining = deadlineNanos - now
        do {
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await body() }
                group.addTask {
                    try await Task.sleep(nanoseconds: remaining)
                    return nil
                }
                defer { group.cancelAll() }
                return try await group.next() ?? nil
            }
        } catch let error as EtcdError {
            throw error
        } catch {
            throw EtcdError(.cancelled, call: "etcd wait", detail: "\(error)")
        }
    }

    /// Whether an error is worth another try within the deadline: the member serving the call died or
    /// the stream broke, and the channel has others (or the member comes back).
    static func isTransient(_ error: EtcdError) -> Bool {
        error.code == .unavailable
    }

    /// Deletes `key` if it exists; the number deleted (0 or 1).
    func delete(_ key: Data) async throws(EtcdError) -> Int64 {
        try await connection.deleteRange(key: key)
    }

    /// A release: deletes the claim's key, `.notOwner` when it was already gone (its lease expired).
    /// When the delete's outcome is unknown (no answer, or etcd's "request timed out", which may still
    /// be applied), `afterUnknown` runs with the key so the recipe can make sure the key goes and is never
    /// taken for a later claim's.
    func release(token: String, key: String, afterUnknown: @escaping @Sendable (Data) -> Void,
                 completion: @escaping (StoreReleaseResult) -> Void) {
        let done = QueueCompletion(queue: queue, body: completion)
        let connection = self.connection
        Task {
            let name = Data(token.utf8)
            do throws(EtcdError) {
                // Bounded well inside the driver's 5 s drain: a delete stuck on a member without a leader
                // is reported failed and finished in the background (`afterUnknown`), not waited out.
                let deleted = try await connection.deleteRange(key: name, deadlineNanos: LockClock.monotonicNanos() &+ 4_000_000_000)
                done(deleted > 0 ? .released : .notOwner)
            } catch {
                afterUnknown(name)
                done(.failed(error.lockFailure(operation: "release \(key)")))
            }
        }
    }

    /// Deletes `key` in the background until etcd confirms it (or the session closes), for a claim that
    /// must not outlive a failed release or acquisition: left behind, it would block every later waiter
    /// of its lock until the session's lease ends. Only safe for a name no later claim reuses.
    func deleteEventually(_ key: Data) {
        let connection = self.connection
        Self.inBackground(until: { $0.code == .cancelled }) { () async throws(EtcdError) in
            _ = try await connection.deleteRange(key: key)
        }
    }

    /// Runs `body` in the background until it succeeds or throws an error `settles` accepts as final,
    /// 5 tries at most, 400 ms to 3.2 s apart: for clean-ups whose failure leaves nothing unsafe, only
    /// something slower (a key or lease that waits for its TTL).
    static func inBackground(until settles: @escaping @Sendable (EtcdError) -> Bool, _ body: @escaping @Sendable () async throws(EtcdError) -> Void) {
        Task {
            for attempt in 0..<5 {
                if attempt > 0 { try? await Task.sleep(for: .milliseconds(200 << attempt)) }
                do throws(EtcdError) {
                    try await body()
                    return
                } catch where settles(error) {
                    return
                } catch {
                    continue
                }
            }
        }
    }
}
