import RESP
import RedisConnection

/// Why a lock operation failed (as opposed to being refused): a transport error, a server error reply,
/// a reply of the wrong shape, or an operation the algorithm does not have.
///
/// Codes are statics over a private enum so that adding one breaks no caller's `switch`.
public struct LockFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case transport, serverError = "server error", unexpectedReply = "unexpected reply"
            case unsupported, cancelled
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The connection failed (see `redisError`).
        public static let transport = Code(.transport)
        /// The server answered with an error reply (e.g. `WRONGTYPE`, `LOADING`, `OOM`).
        public static let serverError = Code(.serverError)
        /// The server answered with a reply the algorithm cannot read.
        public static let unexpectedReply = Code(.unexpectedReply)
        /// The algorithm has no such operation (e.g. `extend` on legacy-getset).
        public static let unsupported = Code(.unsupported)
        /// The operation was cancelled by `LockContext.cancelAll()` or `close()`.
        public static let cancelled = Code(.cancelled)
        /// The code's words.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// The operation and key, e.g. `acquire lock:1`.
    public var operation: String
    /// Detail: the server's message, the reply, the transport error.
    public var detail: String
    /// The transport error, for `.transport`.
    public var redisError: RedisError?

    public init(_ code: Code, operation: String, detail: String, redisError: RedisError? = nil) {
        self.code = code
        self.operation = operation
        self.detail = detail
        self.redisError = redisError
    }

    /// What failed, on what, and why.
    public var description: String {
        if let redisError { return "\(operation): \(redisError)" }
        return "\(operation): \(code): \(detail)"
    }

    /// A key for "errors by kind" counters: the code, plus the transport code or the server error's
    /// first word (e.g. `server error NOSCRIPT`, `transport connection reset`).
    public var kindKey: String {
        if let redisError { return "\(code) \(redisError.code)" }
        if code == .serverError, let word = detail.split(separator: " ").first { return "\(code) \(word)" }
        return code.description
    }

    static func from(_ reply: RedisReply, operation: @autoclosure () -> String) -> LockFailure? {
        switch reply {
        case .failure(let error):
            return LockFailure(.transport, operation: operation(), detail: error.description, redisError: error)
        case .success(let value):
            if let message = value.errorMessage { return LockFailure(.serverError, operation: operation(), detail: message) }
            return nil
        }
    }

    static func unexpected(_ value: RESPValue, operation: String) -> LockFailure {
        LockFailure(.unexpectedReply, operation: operation, detail: "\(value)")
    }
}

/// One Redlock attempt: the numbers the TTL-budget report is made of.
public struct RedlockAttemptReport: Sendable, Hashable, Codable {
    /// 1 for the first attempt of an acquisition.
    public var attempt: Int
    /// From before the first `SET` was sent to the reply that decided the attempt, ns: the quorum reply
    /// on success and on an overrun; without a quorum, the last reply or the per-node timeout (a failed
    /// attempt waits for every vote, so its tallies are complete).
    public var elapsedNanos: UInt64
    /// `ttl − elapsed − drift`, ms (negative on an overrun).
    public var validityMs: Double
    /// Masters asked.
    public var nodes: Int
    /// Votes needed.
    public var quorum: Int
    /// Masters that granted (on success: by the quorum reply; later replies are not waited for).
    public var granted: Int
    /// Masters that refused (held by someone else) when the attempt was decided.
    public var denied: Int
    /// Masters that answered with an error or whose connection failed.
    public var failed: Int
    /// Masters that had not answered within the per-node timeout (0 when decided before it).
    public var timedOut: Int
    /// Whether the attempt won the lock (quorum and validity > 0).
    public var succeeded: Bool
    /// Quorum reached but validity ≤ 0: the attempt ate the whole TTL.
    public var overrun: Bool
    /// No quorum while some masters granted and some refused: votes split and nobody won.
    public var splitVote: Bool

    /// Masters that answered at all when the attempt was decided.
    public var answered: Int { granted + denied + failed }
}

/// What an acquisition that ended without the lock did.
public struct AcquireSummary: Sendable, Hashable {
    public var key: String
    /// Attempts made.
    public var attempts: Int
    /// Commands sent.
    public var commands: Int
    /// Monotonic ns at the start.
    public var startedAtNanos: UInt64
    /// Monotonic ns at the end.
    public var endedAtNanos: UInt64
    /// `redlock`: every attempt.
    public var redlockAttempts: [RedlockAttemptReport]
}

/// How an `acquire` ended. Exactly one per call, on the context's queue.
public enum AcquireOutcome: Sendable {
    /// The lock is held.
    case granted(LockGrant)
    /// The deadline passed first.
    case timedOut(AcquireSummary)
    /// `LockSpec.maxAttempts` attempts all failed.
    case gaveUp(AcquireSummary)
    /// An error ended it (see `LockFailure`; cancellation is `.cancelled`).
    case failed(LockFailure, AcquireSummary)

    /// The grant, if any.
    public var grant: LockGrant? {
        if case .granted(let grant) = self { return grant }
        return nil
    }

    /// Attempts made, whatever the outcome.
    public var attempts: Int {
        switch self {
        case .granted(let g): return g.attempts
        case .timedOut(let s), .gaveUp(let s), .failed(_, let s): return s.attempts
        }
    }
}

/// What a release did.
public enum ReleaseOutcome: Sendable, Hashable {
    /// Our lock was deleted (FIFO: deleted or handed to the next ticket).
    case released
    /// The lock was no longer ours: nothing deleted.
    case notOwner
    /// naive-getdel: the delete removed a lock held by someone else (its token given).
    case wrongOwnerDelete(deletedToken: String)
    /// legacy-getset: our own expiry had passed by our clock, so nothing was deleted (late by this many ms).
    case lateRelease(lateByMs: Int64)
    /// An error (Redlock: every node failed).
    case failed(LockFailure)
}

/// A release's outcome and cost.
public struct ReleaseReport: Sendable, Hashable {
    /// What happened.
    public var outcome: ReleaseOutcome
    /// Commands sent.
    public var commands: Int
    /// Redlock: masters where our key was deleted.
    public var nodesReleased: Int
}

/// What an extend did.
public enum ExtendOutcome: Sendable, Hashable {
    /// The TTL was reset; the lock is safe for this long from the moment the extend was sent, ms
    /// (Redlock: `by − elapsed − drift`, decided by quorum).
    case extended(validityMs: Double)
    /// The lock was no longer ours (expired, or taken): nothing changed.
    case notOwner
    /// An error, or `.unsupported` for legacy-getset.
    case failed(LockFailure)
}

/// What a watchdog saw at one renewal: on time or late, renewed or lost.
public enum WatchdogEvent: Sendable, Hashable {
    case renewed(WatchdogRenewal)
    /// A renewal found the lock gone (or failed): the lock is lost and the watchdog has stopped.
    case lost(WatchdogLoss)
}

/// A successful renewal and how late it ran against its ttl/3 schedule.
public struct WatchdogRenewal: Sendable, Hashable {
    /// 1 for the first renewal.
    public var sequence: Int
    /// Monotonic ns the renewal was due (previous renewal sent, or grant, + ttl/3).
    public var dueAtNanos: UInt64
    /// Monotonic ns its timer actually ran.
    public var firedAtNanos: UInt64
    /// Monotonic ns the reply arrived.
    public var repliedAtNanos: UInt64
    /// `firedAtNanos − dueAtNanos`: timer and queue lateness, ns.
    public var lateByNanos: UInt64 { firedAtNanos &- dueAtNanos }
    /// Validity after the renewal, ms.
    public var validityMs: Double
}

/// A renewal that failed: the lock is no longer held (or cannot be confirmed held).
public struct WatchdogLoss: Sendable, Hashable {
    /// The renewal that failed (1 for the first).
    public var sequence: Int
    /// Monotonic ns it was due.
    public var dueAtNanos: UInt64
    /// Monotonic ns its timer ran.
    public var firedAtNanos: UInt64
    /// `notOwner` or the failure.
    public var outcome: ExtendOutcome
}

/// Identifies a running watchdog, for `Locker.stopWatchdog(_:)`.
public struct WatchdogHandle: Hashable, Sendable {
    /// Unique per context.
    public let id: UInt64
}
