import GRPCCore
import Locks

/// Why a call to etcd failed: the endpoint, the call, what happened and what to try.
public struct EtcdError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case notEtcd = "does not speak etcd's gRPC"
            case unavailable = "unavailable"
            case unimplemented = "service not served"
            case leaseLost = "lease lost"
            case server = "server error"
            case deadline = "no answer in time"
            case cancelled = "cancelled"
            case invalidArgument = "invalid argument"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The endpoint answered, but not with gRPC over HTTP/2 (a Redis port, an HTTP/1 server).
        public static let notEtcd = Code(.notEtcd)
        /// No member could be reached, or the connection broke mid-call.
        public static let unavailable = Code(.unavailable)
        /// The server has no such service or method (an etcd without v3lock, a gRPC server that is not etcd).
        public static let unimplemented = Code(.unimplemented)
        /// The session's lease was not found: it expired or was revoked.
        public static let leaseLost = Code(.leaseLost)
        /// etcd refused the request (no leader, too many requests, ...).
        public static let server = Code(.server)
        /// The call's timeout passed.
        public static let deadline = Code(.deadline)
        /// The call was cancelled (deadline of an acquisition, session closed).
        public static let cancelled = Code(.cancelled)
        /// The caller passed something etcd cannot take.
        public static let invalidArgument = Code(.invalidArgument)
        /// The code's words.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What was asked, e.g. `etcd 127.0.0.1:2379 KV.Txn`.
    public var call: String
    /// What happened: the gRPC status and its message.
    public var detail: String
    /// What to try next.
    public var hint: String?

    public init(_ code: Code, call: String, detail: String, hint: String? = nil) {
        self.code = code
        self.call = call
        self.detail = detail
        self.hint = hint
    }

    /// `etcd 127.0.0.1:6379 Lease.LeaseGrant: does not speak etcd's gRPC: <detail>. <hint>`.
    public var description: String {
        var text = "\(call): \(code): \(detail)"
        if let hint { text += ". \(hint)" }
        return text
    }

    /// The same failure as `LockFailure`, for a session's completion.
    func lockFailure(operation: String) -> LockFailure {
        let lockCode: LockFailure.Code
        switch code {
        case .cancelled: lockCode = .cancelled
        case .unimplemented: lockCode = .unsupported
        case .server, .leaseLost: lockCode = .serverError
        default: lockCode = .transport
        }
        return LockFailure(lockCode, operation: operation, detail: description)
    }

    /// Reads a thrown error of a gRPC call on `endpoints` as an `EtcdError`.
    ///
    /// A transport that never got an HTTP/2 answer is the usual sign of a wrong port: Redis answers
    /// the HTTP/2 preface with an error line and closes, which surfaces as `unavailable`. etcd's own
    /// refusals come back as statuses whose messages begin with `etcdserver:`.
    static func from(_ error: any Error, call: String, endpoints: String) -> EtcdError {
        let name = "etcd \(endpoints) \(call)"
        guard let rpc = error as? RPCError else {
            if error is CancellationError { return EtcdError(.cancelled, call: name, detail: "cancelled") }
            return EtcdError(.unavailable, call: name, detail: "\(error)")
        }
        let detail = "\(rpc.code): \(rpc.message)"
        switch rpc.code {
        case .unimplemented:
            return EtcdError(.unimplemented, call: name, detail: detail,
                             hint: "The server has no \(call.split(separator: ".").first ?? "such") service: is it an etcd 3.4+ member (v3lock is served next to KV)?")
        case .unavailable, .unknown, .internalError:
            if rpc.message.hasPrefix("etcdserver:") { return EtcdError(.server, call: name, detail: detail) }
            return EtcdError(.unavailable, call: name, detail: detail,
                             hint: "Is etcd running there, and is this a Redis port? etcd listens on 2379")
        case .deadlineExceeded:
            return EtcdError(.deadline, call: name, detail: detail, hint: "Is this a Redis port? etcd listens on 2379; or the cluster has no leader")
        case .cancelled:
            return EtcdError(.cancelled, call: name, detail: detail)
        case .notFound where rpc.message.contains("lease not found"):
            return EtcdError(.leaseLost, call: name, detail: detail)
        case .invalidArgument, .outOfRange:
            return EtcdError(.invalidArgument, call: name, detail: detail)
        default:
            return EtcdError(.server, call: name, detail: detail)
        }
    }
}
