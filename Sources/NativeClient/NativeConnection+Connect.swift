import Dispatch
import POSIX
import RESP
import RedisConnection

#if canImport(Glibc)
import Glibc
#endif

/// Opens `NativeConnection`s.
public struct NativeConnector: RedisConnector {
    /// `.native`.
    public var kind: RedisClientKind { .native }

    public init() {}

    /// Connects, authenticates and selects the database; `completion` runs once on `queue`.
    public func connect(
        to endpoint: Endpoint, options: ConnectionOptions, queue: DispatchQueue,
        completion: @escaping @Sendable (Result<any RedisConnection, RedisError>) -> Void
    ) {
        let connection = NativeConnection(endpoint: endpoint, options: options, queue: queue)
        queue.async { connection.start(completion) }
    }
}

extension NativeConnection {
    func start(_ completion: @escaping @Sendable (Result<any RedisConnection, RedisError>) -> Void) {
        assertOnQueue()
        connectCompletion = completion
        // Nobody else holds the connection until it is handed out, and the sources hold it weakly.
        retainedWhileConnecting = self
        state = .connecting
        armConnectTimer()
        let address: SocketAddress
        do {
            switch endpoint {
            case .tcp(let host, let port): address = try SocketAddress.resolve(host: host, port: port)
            case .unix(let path): address = try SocketAddress.unix(path: path)
            }
        } catch {
            fail(RedisError(.addressResolution, endpoint: endpoint.description, detail: error.description, errno: error.errno.rawValue))
            return
        }
        if let tlsOptions = options.tls {
            do throws(RedisError) { tls = try makeTLSSession(tlsOptions) } catch {
                fail(error)
                return
            }
        }
        do {
            let (socket, inProgress) = try Socket.connect(to: address)
            self.socket = socket
            makeSources(for: socket)
            if inProgress {
                // Writability is how a non-blocking connect reports completion; SO_ERROR says how it went.
                resumeWriteSource()
            } else {
                connected()
            }
        } catch {
            fail(RedisError(error, endpoint: endpoint.description, during: "connect"))
        }
    }

    func makeSources(for socket: Socket) {
        let closer = DescriptorCloser(socket: socket, users: 2)
        let read = DispatchSource.makeReadSource(fileDescriptor: socket.fd, queue: queue)
        read.setEventHandler { [weak self] in self?.handleReadable() }
        read.setCancelHandler { closer.release() }
        let write = DispatchSource.makeWriteSource(fileDescriptor: socket.fd, queue: queue)
        write.setEventHandler { [weak self] in self?.handleWritable() }
        write.setCancelHandler { closer.release() }
        readSource = read
        writeSource = write
    }

    func connected() {
        assertOnQueue()
        readSource?.resume()
        readSourceResumed = true
        if let tls {
            state = .securing
            advanceTLSHandshake(tls)
            return
        }
        state = .handshaking
        sendHandshake()
        flush()
    }

    func armConnectTimer() {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let limit = options.connectTimeoutMs
        timer.schedule(deadline: .now() + .milliseconds(limit))
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            switch self.state {
            case .connecting, .handshaking:
                self.fail(RedisError(.timeout, endpoint: self.endpoint.description, detail: "connect did not complete within \(limit) ms"))
            case .securing:
                self.fail(RedisError(.tls, endpoint: self.endpoint.description,
                                     detail: "the TLS handshake did not complete within \(limit) ms, as when the port is a plain (non-TLS) one"))
            default: break
            }
        }
        connectTimer = timer
        timer.resume()
    }

    func becomeReady() {
        assertOnQueue()
        guard case .handshaking = state else { return }
        state = .ready
        connectTimer?.cancel()
        connectTimer = nil
        armCommandTimer()
        let completion = connectCompletion
        connectCompletion = nil
        retainedWhileConnecting = nil
        completion?(.success(self))
    }

    /// Fails the whole connection once: every pending completion gets `error`, in order.
    func fail(_ error: RedisError) {
        assertOnQueue()
        if case .failed = state { return }
        state = .failed(error)
        releaseIO()
        encoder.reset()
        writeOffset = 0
        let waiting = pending.removeAll()
        for item in waiting { item.completion(.failure(error)) }
        let completion = connectCompletion
        connectCompletion = nil
        completion?(.failure(error))
        pushHandler = nil
        retainedWhileConnecting = nil
    }

    /// Cancels the timers and sources and closes the socket: on failure, and in `deinit`.
    func releaseIO() {
        connectTimer?.cancel()
        connectTimer = nil
        commandTimer?.cancel()
        commandTimer = nil
        if let readSource, let writeSource {
            // A suspended source must be resumed before cancel, or its cancel handler (which closes the fd) never runs.
            if !readSourceResumed { readSource.resume() }
            readSource.cancel()
            if !writeSourceRunning { writeSource.resume() }
            writeSource.cancel()
        } else {
            socket?.close()
        }
        readSourceResumed = true
        writeSourceRunning = true
        readSource = nil
        writeSource = nil
        socket = nil
    }
}

/// Closes a descriptor after the last Dispatch source using it is cancelled.
///
/// Dispatch requires the fd to stay open until every source on it has run its cancel handler.
final class DescriptorCloser: @unchecked Sendable {
    // @unchecked: both cancel handlers run on the connection's serial queue.
    private let socket: Socket
    private var users: Int

    init(socket: Socket, users: Int) {
        self.socket = socket
        self.users = users
    }

    func release() {
        users -= 1
        if users == 0 { socket.close() }
    }
}
