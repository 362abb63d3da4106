import Locks
import RESP
import RedisConnection

/// The storage a lock protects, on a Redis server of its own (never one of the lock servers, so a
/// lock-server fault cannot take the evidence with it). A fenced write goes through
/// `RedisFencedResource` (refused when its token is older than one already seen); an unfenced one is
/// a plain `HSET`, which any writer that believes it holds the lock gets accepted.
public struct ResourceStore: Sendable {
    /// The connection writes go on.
    public let connection: any RedisConnection

    public init(connection: any RedisConnection) {
        self.connection = connection
    }

    /// Writes `value` to the resource hash `key`, with the fencing token when there is one; returns
    /// whether the write was accepted.
    public func write(key: String, fence: Int64?, value: String) async -> Result<Bool, LockFailure> {
        if let fence {
            return await RedisFencedResource(connection: connection, key: key).write(token: fence, value: value)
        }
        let reply: RedisReply = await withCheckedContinuation { continuation in
            connection.send(["HSET", .string(key), "value", .string(value)]) { continuation.resume(returning: $0) }
        }
        switch reply {
        case .success(let value) where value.errorMessage == nil: return .success(true)
        case .success(let value): return .failure(LockFailure(.serverError, operation: "write \(key)", detail: value.errorMessage ?? ""))
        case .failure(let error): return .failure(LockFailure(.transport, operation: "write \(key)", detail: error.description, redisError: error))
        }
    }
}
