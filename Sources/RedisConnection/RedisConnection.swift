import Dispatch
import RESP

/// The result of one command: a reply (which may be a server error value) or a transport error.
public typealias RedisReply = Result<RESPValue, RedisError>

/// Receives the reply of one command, on the connection's queue.
public typealias RedisReplyHandler = @Sendable (RedisReply) -> Void

/// Receives a pub/sub message or other push, on the connection's queue.
public typealias RedisPushHandler = @Sendable (RedisPushMessage) -> Void

/// A pub/sub delivery: RESP2 `message`/`pmessage` arrays on a subscribed connection, or RESP3 pushes.
public struct RedisPushMessage: Sendable, Hashable {
    /// `message`, `pmessage`, `smessage`, or another push kind.
    public var kind: String
    /// The channel the message was published on.
    public var channel: String
    /// The pattern that matched, for `pmessage`.
    public var pattern: String?
    public var payload: [UInt8]

    public init(kind: String, channel: String, pattern: String? = nil, payload: [UInt8]) {
        self.kind = kind
        self.channel = channel
        self.pattern = pattern
        self.payload = payload
    }

    /// Reads a `message`/`pmessage`/`smessage` array (RESP2 on a subscribed connection, or a RESP3 push);
    /// `nil` for anything else, such as a `subscribe` confirmation.
    public init?(_ value: RESPValue) {
        guard let items = value.elements, let kind = items.first?.string else { return nil }
        switch kind.lowercased() {
        case "message", "smessage":
            guard items.count == 3, let channel = items[1].string, case .bulkString(let payload?) = items[2] else { return nil }
            self.init(kind: kind.lowercased(), channel: channel, payload: payload)
        case "pmessage":
            guard items.count == 4, let pattern = items[1].string, let channel = items[2].string,
                  case .bulkString(let payload?) = items[3] else { return nil }
            self.init(kind: "pmessage", channel: channel, pattern: pattern, payload: payload)
        default:
            return nil
        }
    }
}

/// One connection to one Redis server, shared by both clients (native Swift and hiredis).
///
/// Replies come back in command order, each through its handler, on `queue`. Many commands may be in
/// flight at once (pipelining). After a transport error, every outstanding handler fires with that
/// error exactly once, and later sends fail at once with it.
///
/// Calls may come from any thread; callers already on `queue` (the load driver) pay no hop.
public protocol RedisConnection: AnyObject, Sendable {
    /// The server this connection talks to.
    var endpoint: Endpoint { get }
    /// The serial queue that owns the socket, runs every handler, and orders sends.
    var queue: DispatchQueue { get }
    /// Which client this is: `native` or `hiredis`.
    var clientName: String { get }

    /// Sends one command; `completion` runs once on `queue` with its reply.
    ///
    /// `SUBSCRIBE`/`PSUBSCRIBE` with n channels complete after the n-th confirmation; messages then go to
    /// the push handler.
    func send(_ command: [RedisArgument], completion: @escaping RedisReplyHandler)

    /// Sends a batch of commands in one write where the client can; replies run in order.
    func send(batch commands: [[RedisArgument]], completion: @escaping @Sendable (Int, RedisReply) -> Void)

    /// Sends one command already encoded as a RESP array of bulk strings; `receiver.receive(_:tag:)`
    /// runs once on `queue` with its reply, in order with every other command.
    ///
    /// The measured path: call it on `queue` only. Not for commands that change the connection's
    /// mode (`SUBSCRIBE` and its family, `RESET`, `HELLO`), which the clients must see as arguments.
    /// The bytes are copied before it returns.
    func send(encoded command: UnsafeRawBufferPointer, to receiver: any RedisReplyReceiver, tag: Int)

    /// Sets the handler for pub/sub messages and RESP3 pushes (runs on `queue`).
    func setPushHandler(_ handler: RedisPushHandler?)

    /// Closes the connection: outstanding handlers fire with `closedByClient`. Idempotent.
    func close()

    /// Whether the connection can still send (not failed or closed). Read on `queue`.
    var isOpen: Bool { get }
}

extension RedisConnection {
    /// Sends a command and awaits its reply; a server error reply is returned as a value.
    public func send(_ command: [RedisArgument]) async throws(RedisError) -> RESPValue {
        let result: RedisReply = await withCheckedContinuation { continuation in
            send(command) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// Sends a command and awaits its reply, throwing `RedisServerError` for an error reply.
    @discardableResult
    public func call(_ command: RedisArgument...) async throws -> RESPValue {
        let reply = try await send(command)
        if let message = reply.errorMessage { throw RedisServerError(command: command, message: message, endpoint: endpoint) }
        return reply
    }

    /// Default batch: one `send` per command (clients override to coalesce into one write).
    public func send(batch commands: [[RedisArgument]], completion: @escaping @Sendable (Int, RedisReply) -> Void) {
        for (i, command) in commands.enumerated() {
            send(command) { completion(i, $0) }
        }
    }
}

/// A server error reply, thrown only by the `call` convenience (the callback path gets it as a value).
public struct RedisServerError: Error, Sendable, CustomStringConvertible {
    /// The command's name.
    public var command: String
    /// The server's message, e.g. `WRONGTYPE Operation against a key ...`.
    public var message: String
    /// Where it was sent.
    public var endpoint: Endpoint

    public init(command: [RedisArgument], message: String, endpoint: Endpoint) {
        switch command.first {
        case .string(let s)?: self.command = s
        default: self.command = "?"
        }
        self.message = message
        self.endpoint = endpoint
    }

    /// Names the command, the server and its message.
    public var description: String { "redis \(endpoint): \(command) failed: \(message)" }
}
