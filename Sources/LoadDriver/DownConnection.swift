import Dispatch
import RESP
import RedisConnection

/// A connection to a server that refused it: every command fails at once with that error, as a
/// client library reports a node it cannot reach. Lets a Redlock context run with a node down,
/// and a fault-tolerant run (`Scenario.reconnect`) stand in for a server until it comes back.
public final class DownConnection: RedisConnection, @unchecked Sendable {
    // @unchecked: immutable after init.
    public let endpoint: Endpoint
    public let queue: DispatchQueue
    /// Why the server could not be reached; every command fails with it.
    public let error: RedisError
    public let clientName: String

    public init(endpoint: Endpoint, queue: DispatchQueue, error: RedisError, client: RedisClientKind) {
        self.endpoint = endpoint
        self.queue = queue
        self.error = error
        self.clientName = client.rawValue
    }

    public func send(_ command: [RedisArgument], completion: @escaping RedisReplyHandler) {
        // Asynchronously, like a real client's failure: callers must never see a reply before `send` returns.
        let error = self.error
        queue.async { completion(.failure(error)) }
    }

    public func send(encoded command: UnsafeRawBufferPointer, to receiver: any RedisReplyReceiver, tag: Int) {
        let error = self.error
        queue.async { receiver.receive(.failure(error), tag: tag) }
    }

    public func setPushHandler(_ handler: RedisPushHandler?) {}

    public func close() {}

    public var isOpen: Bool { false }
}
