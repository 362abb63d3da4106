import Dispatch
import POSIX
import RESP
import RedisConnection

#if canImport(Glibc)
import Glibc
#endif

/// The native Swift client: a non-blocking socket driven by Dispatch sources on one serial queue.
///
/// Every command is encoded into one output buffer; the buffer is written once per queue turn (after a
/// read event's replies have been handled, or from a single deferred flush), so a burst of sends from
/// many contenders becomes one `write`. Replies are decoded incrementally and matched against a FIFO of
/// pending completions.
public final class NativeConnection: RedisConnection, @unchecked Sendable {
    // @unchecked: every mutable member below is touched only on `queue` (checked by
    // `dispatchPrecondition` in `assertOnQueue`), except `readBuffer`, owned from init to deinit.

    public let endpoint: Endpoint
    /// The serial queue that owns this connection's socket, sources and handlers.
    public let queue: DispatchQueue
    /// `native`.
    public let clientName = "native"
    let options: ConnectionOptions
    let queueToken: QueueToken

    enum State {
        /// `securing`: TCP is up and the TLS handshake runs; no command has been sent.
        case idle, connecting, securing, handshaking, ready
        case failed(RedisError)
    }
    var state: State = .idle
    var socket: Socket?
    /// TLS state when `options.tls` is set; `nil` keeps every read and write on the plain path.
    var tls: TLSSession?
    var readSource: DispatchSourceRead?
    var writeSource: DispatchSourceWrite?
    var readSourceResumed = false
    var writeSourceRunning = false
    var encoder = RESPEncoder(capacity: 16 * 1024)
    var writeOffset = 0
    var decoder = RESPDecoder()
    var pending = PendingQueue()
    var pushHandler: RedisPushHandler?
    var subscribedChannels = Set<String>()
    var subscribedPatterns = Set<String>()
    var subscribedMode = false
    /// SUBSCRIBE-family commands sent whose last confirmation has not arrived.
    var subscribesInFlight = 0
    var flushScheduled = false
    var inReadHandler = false
    var inInlineWait = false
    var connectCompletion: (@Sendable (Result<any RedisConnection, RedisError>) -> Void)?
    var connectTimer: DispatchSourceTimer?
    var retainedWhileConnecting: NativeConnection?
    var commandTimer: DispatchSourceTimer?
    let readBuffer: UnsafeMutableRawBufferPointer

    init(endpoint: Endpoint, options: ConnectionOptions, queue: DispatchQueue) {
        self.endpoint = endpoint
        self.options = options
        self.queue = queue
        self.readBuffer = .allocate(byteCount: 64 * 1024, alignment: 16)
        self.queueToken = QueueToken.of(queue)
    }

    deinit {
        // Only reachable when no source or queued block holds us: nothing can touch the buffer now.
        let leftovers = pending.removeAll()
        let error = RedisError(.closedByClient, endpoint: endpoint.description, detail: "connection released with commands outstanding")
        if !leftovers.isEmpty {
            queue.async { for item in leftovers { item.completion(.failure(error)) } }
        }
        releaseIO()
        readBuffer.deallocate()
    }

    /// Connects, authenticates and selects the database; awaits the ready connection.
    public static func connect(
        to endpoint: Endpoint, options: ConnectionOptions = ConnectionOptions(),
        queue: DispatchQueue = DispatchQueue(label: "lockbench.native")
    ) async throws(RedisError) -> NativeConnection {
        let connection = try await NativeConnector().connect(to: endpoint, options: options, queue: queue)
        return connection as! NativeConnection
    }

    /// Checks queue confinement in debug builds; release builds skip it because it runs per command.
    @inline(__always)
    func assertOnQueue() {
        assert({ dispatchPrecondition(condition: .onQueue(queue)); return true }())
    }

    /// Runs `body` on `queue`: at once when already there (the driver's case), else with one hop.
    @inline(__always)
    func onQueue(_ body: @escaping @Sendable () -> Void) {
        if queueToken.isCurrent { body() } else { queue.async(execute: body) }
    }

    // MARK: RedisConnection

    /// Whether the connection can still send.
    public var isOpen: Bool {
        switch state {
        case .failed: return false
        default: return true
        }
    }

    /// Queues one command; its completion runs once on `queue`.
    public func send(_ command: [RedisArgument], completion: @escaping RedisReplyHandler) {
        // Not through `onQueue`: an escaping closure there would be allocated even when no hop is needed.
        if queueToken.isCurrent {
            enqueue(command, completion: completion)
        } else {
            queue.async { self.enqueue(command, completion: completion) }
        }
    }

    /// Queues several commands with one hop and one write.
    public func send(batch commands: [[RedisArgument]], completion: @escaping @Sendable (Int, RedisReply) -> Void) {
        onQueue {
            for (i, command) in commands.enumerated() {
                self.enqueue(command) { completion(i, $0) }
            }
        }
    }

    /// Sets the handler for pub/sub messages.
    public func setPushHandler(_ handler: RedisPushHandler?) {
        onQueue { self.pushHandler = handler }
    }

    /// Closes the connection; outstanding completions get `closedByClient`.
    public func close() {
        onQueue {
            self.fail(RedisError(.closedByClient, endpoint: self.endpoint.description, detail: "close() was called on this connection"))
        }
    }

    /// Queues one pre-encoded command (the measured path): no hop, no closure, one copy of the bytes.
    public func send(encoded command: UnsafeRawBufferPointer, to receiver: any RedisReplyReceiver, tag: Int) {
        assertOnQueue()
        if case .failed(let error) = state {
            queue.async { receiver.receive(.failure(error), tag: tag) }
            return
        }
        encoder.appendRaw(command)
        let queuedAt = options.commandTimeoutMs == nil ? 0 : MonotonicClock.nanos()
        pending.append(PendingCommand(completion: .receiver(receiver, tag), repliesLeft: 1, queuedAt: queuedAt))
        scheduleFlush()
    }

    func enqueue(_ command: [RedisArgument], completion: @escaping RedisReplyHandler) {
        assertOnQueue()
        if case .failed(let error) = state {
            // Never call back from inside `send`: the caller may hold state it is about to update.
            queue.async { completion(.failure(error)) }
            return
        }
        encoder.appendCommand(command)
        // The clock is read only when a command timeout needs it.
        let queuedAt = options.commandTimeoutMs == nil ? 0 : MonotonicClock.nanos()
        let before = subscribesInFlight
        let replies = expectedReplies(for: command)
        pending.append(PendingCommand(completion: .handler(completion), repliesLeft: replies, queuedAt: queuedAt, subscribes: subscribesInFlight > before))
        scheduleFlush()
    }
}
