import CHiredis
import Dispatch
import RESP
import RedisConnection

/// A `RedisConnection` over hiredis 0.14's async API, driven by Dispatch sources on `queue`.
///
/// This is the C reference client the harness measures the native client against, on the same
/// lock workload. hiredis 0.14 speaks RESP2 only and has no timeouts: deadlines are Swift timers on
/// `queue`, and a missed deadline disconnects, because the only way to cancel a hiredis command is
/// to drop the connection.
///
/// Connect with `HiredisConnection.connect(to:options:queue:)` or through `HiredisConnector`.
/// While its socket is open, the connection keeps itself alive (hiredis holds a retained pointer
/// to it in `ac->data`), like an open file descriptor: call `close()` when done.
///
/// `@unchecked Sendable`: all mutable state, and the hiredis context itself, is confined to
/// `queue`; internal paths check it with `dispatchPrecondition(condition: .onQueue(queue))`.
/// Public methods may be called from any thread and hop onto `queue` when not already on it.
public final class HiredisConnection: RedisConnection, @unchecked Sendable {
    /// The server this connection talks to.
    public let endpoint: Endpoint
    /// The serial queue that runs every hiredis call, every source handler and every completion.
    public let queue: DispatchQueue
    /// Always `hiredis`.
    public var clientName: String { "hiredis" }

    let options: ConnectionOptions
    let endpointText: String
    let queueToken: QueueToken
    /// Command timeout in nanoseconds, `nil` when commands may wait forever.
    let commandTimeoutNs: UInt64?

    // MARK: hiredis context and adapter (queue-confined)

    /// The hiredis context; `nil` before connecting and from the moment hiredis announces its
    /// teardown through the `cleanup` hook (it frees the memory right after).
    var context: UnsafeMutablePointer<redisAsyncContext>?
    /// The retain hiredis holds through `ac->data`, released once, after the context is gone.
    var contextRetain: Unmanaged<HiredisConnection>?
    /// The Dispatch sources behind hiredis's event hooks.
    var adapter: DispatchEventAdapter?
    /// How many hiredis calls are on the stack. The context may only be freed at depth 0: hiredis
    /// forbids freeing from its own callbacks, and in 0.14 the connect callback and the event hooks
    /// are not even protected by REDIS_IN_CALLBACK, so freeing there is a use-after-free.
    var hiredisDepth = 0
    /// Inside `waitInline` (its callbacks must not start another).
    var inInlineWait = false

    // MARK: lifecycle (queue-confined)

    /// Why the connection is unusable; set once, first cause wins.
    var failure: RedisError?
    /// `failure` is set but the context is still to be freed (deferred until depth 0).
    var teardownPending = false
    /// Teardown has run; nothing touches hiredis any more.
    var tornDown = false
    var phase = ConnectionPhase.connecting
    var connectCompletion: (@Sendable (Result<HiredisConnection, RedisError>) -> Void)?
    var handshakeRemaining = 0
    var connectTimer: DispatchSourceTimer?
    var commandTimer: DispatchSourceTimer?

    // MARK: commands (queue-confined)

    var pending = CommandFIFO()
    var argv = ArgvBuffer()
    var pushHandler: RedisPushHandler?
    /// Channels and patterns the server will be subscribed to once it has processed every command
    /// sent so far (hiredis's own bookkeeping lags until the confirmations arrive).
    var subscribedChannels: Set<[UInt8]> = []
    var subscribedPatterns: Set<[UInt8]> = []
    /// An `UNSUBSCRIBE` that leaves nothing subscribed, while its confirmation is outstanding.
    ///
    /// hiredis 0.14 files a command under "sent while subscribed" until the confirmation that
    /// reports 0 subscriptions arrives, then routes replies as if it had never been subscribed.
    /// A reply to something sent in between finds no callback: a SUBSCRIBE confirmation or an
    /// ordinary reply trips an `assert` that aborts the process, an error reply disconnects. So
    /// commands sent in that window wait in `held` and go to hiredis once the confirmation has
    /// switched its mode back.
    var holdUntilConfirmed: PendingCommand?
    var held: [HeldCommand] = []

    init(endpoint: Endpoint, options: ConnectionOptions, queue: DispatchQueue) {
        self.endpoint = endpoint
        self.options = options
        self.queue = queue
        self.endpointText = endpoint.description
        self.queueToken = QueueToken.of(queue)
        self.commandTimeoutNs = options.commandTimeoutMs.flatMap { $0 > 0 ? UInt64($0) * 1_000_000 : nil }
    }

    deinit {
        // The context holds a retain on the connection, so a connection can only die after
        // teardown has freed the context.
        precondition(context == nil && adapter == nil, "HiredisConnection deallocated with a live hiredis context")
    }

    // MARK: RedisConnection

    /// Whether the connection can still send: connected and neither failed nor closed.
    ///
    /// Meant to be read on `queue`; from elsewhere it waits for the queue (`queue.sync`), so never
    /// read it from a queue that `queue` targets.
    public var isOpen: Bool {
        if queueToken.isCurrent { return isOpenOnQueue }
        return queue.sync { isOpenOnQueue }
    }

    private var isOpenOnQueue: Bool { failure == nil && !tornDown && phase == .ready }

    /// Sends one command; `completion` runs once on `queue` with its reply (a `-ERR` reply is a value).
    ///
    /// From `queue` the command goes straight into hiredis's output buffer; it is written when the
    /// socket is next writable, together with everything else sent before that.
    public func send(_ command: [RedisArgument], completion: @escaping RedisReplyHandler) {
        if queueToken.isCurrent {
            submit(command, .single(completion))
        } else {
            queue.async { self.submit(command, .single(completion)) }
        }
    }

    /// Sends the commands back to back; hiredis writes them in one `write(2)` where the socket takes
    /// them all. `completion` runs once per command, in order, with the command's index.
    public func send(batch commands: [[RedisArgument]], completion: @escaping @Sendable (Int, RedisReply) -> Void) {
        if queueToken.isCurrent {
            submitBatch(commands, completion)
        } else {
            queue.async { self.submitBatch(commands, completion) }
        }
    }

    /// Sends one pre-encoded command through `redisAsyncFormattedCommand` (hiredis copies the bytes
    /// into its output buffer, as it does for the commands it formats itself). Call on `queue`.
    public func send(encoded command: UnsafeRawBufferPointer, to receiver: any RedisReplyReceiver, tag: Int) {
        dispatchPrecondition(condition: .onQueue(queue))
        submit(encoded: command, .receiver(receiver, tag))
    }

    /// Sets the handler for `message`/`pmessage` deliveries on a subscribed connection (runs on `queue`).
    public func setPushHandler(_ handler: RedisPushHandler?) {
        if queueToken.isCurrent {
            pushHandler = handler
        } else {
            queue.async { self.pushHandler = handler }
        }
    }

    /// Closes the connection: outstanding completions fire with `closedByClient`, later sends fail
    /// with it. Idempotent.
    public func close() {
        if queueToken.isCurrent {
            closeOnQueue()
        } else {
            queue.async { self.closeOnQueue() }
        }
    }

    private func closeOnQueue() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard failure == nil, !tornDown else { return }
        fail(RedisError(.closedByClient, endpoint: endpointText, detail: "close() was called"))
    }

    private func submitBatch(_ commands: [[RedisArgument]], _ completion: @escaping @Sendable (Int, RedisReply) -> Void) {
        for (index, command) in commands.enumerated() {
            submit(command, .indexed(index, completion))
        }
    }
}
