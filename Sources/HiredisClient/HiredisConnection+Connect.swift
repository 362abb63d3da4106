import CHiredis
import Dispatch
import POSIX
import RESP
import RedisConnection

extension HiredisConnection {
    /// Connects, authenticates and selects the database; `completion` runs once, on `queue`.
    ///
    /// Fails with `unsupported` for RESP3 (hiredis 0.14 speaks RESP2 only) or TLS (it has none), `connectionRefused`,
    /// `addressResolution`, `authenticationFailed`/`handshakeFailed` (detail: the server's message)
    /// or `timeout` after `options.connectTimeoutMs` (which covers connect and handshake).
    public static func connect(
        to endpoint: Endpoint, options: ConnectionOptions = ConnectionOptions(), queue: DispatchQueue,
        completion: @escaping @Sendable (Result<HiredisConnection, RedisError>) -> Void
    ) {
        let connection = HiredisConnection(endpoint: endpoint, options: options, queue: queue)
        // Always hop, even from `queue`: a caller expects its completion after `connect` returns.
        queue.async { connection.start(completion) }
    }

    /// Connects, authenticates and selects the database, and returns the ready connection.
    public static func connect(
        to endpoint: Endpoint, options: ConnectionOptions = ConnectionOptions(),
        queue: DispatchQueue = DispatchQueue(label: "lockbench.hiredis")
    ) async throws(RedisError) -> HiredisConnection {
        let result: Result<HiredisConnection, RedisError> = await withCheckedContinuation { continuation in
            connect(to: endpoint, options: options, queue: queue) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    private func start(_ completion: @escaping @Sendable (Result<HiredisConnection, RedisError>) -> Void) {
        dispatchPrecondition(condition: .onQueue(queue))
        connectCompletion = completion
        guard options.protocolVersion == .resp2 else {
            fail(RedisError(.unsupported, endpoint: endpointText, detail: "hiredis 0.14 speaks RESP2 only"))
            return
        }
        if options.tls != nil, let refusal = RedisClientKind.hiredis.tlsRefusal {
            fail(RedisError(.unsupported, endpoint: endpointText, detail: refusal))
            return
        }
        ProcessSignals.ignoreSIGPIPE()

        enterHiredis()
        defer { leaveHiredis() }
        let created: UnsafeMutablePointer<redisAsyncContext>?
        switch endpoint {
        case .tcp(let host, let port):
            created = redisAsyncConnect(host, Int32(clamping: port))
        case .unix(let path):
            created = redisAsyncConnectUnix(path)
        }
        guard let created else {
            fail(RedisError(.io, endpoint: endpointText, detail: "hiredis could not allocate a context"))
            return
        }
        // The non-blocking connect can fail at once: a refused loopback port, a missing Unix
        // socket, an unresolvable name. No callback will follow, so free the context here (no
        // hooks are attached yet and this is not a hiredis callback).
        if created.pointee.c.err != 0 {
            let error = RedisError(hiredis: created.pointee.c, endpoint: endpointText, phase: .connecting)
            redisAsyncFree(created)
            fail(error)
            return
        }

        context = created
        contextRetain = Unmanaged.passRetained(self)
        created.pointee.data = contextRetain!.toOpaque()
        do {
            adapter = try DispatchEventAdapter(
                fd: created.pointee.c.fd, queue: queue, endpoint: endpointText,
                onReadable: { [self] in socketReadable() },
                onWritable: { [self] in socketWritable() }
            )
        } catch {
            fail(error)
            return
        }
        // Hooks first: setting the connect callback calls addWrite, and hiredis learns that the
        // connect completed (or failed) only from that first write event.
        DispatchEventAdapter.installHooks(on: created, for: self)
        _ = redisAsyncSetConnectCallback(created) { context, status in
            guard let context, let data = context.pointee.data else { return }
            Unmanaged<HiredisConnection>.fromOpaque(data).takeUnretainedValue().socketConnected(context, status: status)
        }
        _ = redisAsyncSetDisconnectCallback(created) { context, status in
            guard let context, let data = context.pointee.data else { return }
            Unmanaged<HiredisConnection>.fromOpaque(data).takeUnretainedValue().contextDisconnected(context, status: status)
        }
        sendHandshake()
        startConnectTimer()
    }

    /// Queues `AUTH` and `SELECT` before any user command. hiredis buffers them until the socket
    /// connects and writes them on the very write event that completes the connect, instead of a
    /// turn later from the connect callback.
    private func sendHandshake() {
        // hiredis 0.14 speaks RESP2 only: the connector refuses RESP3 options before this point.
        let steps = options.handshakeSteps
        handshakeRemaining = steps.count
        for step in steps {
            let code = step.refused
            issue(step.command, PendingCommand(.handshake { [self] reply in handshakeReplied(reply, refused: code) }, sentAt: 0), routed: true)
        }
    }

    private func handshakeReplied(_ reply: RedisReply, refused code: RedisError.Code) {
        // A transport failure reaches the connect completion through teardown.
        guard case .success(let value) = reply, phase == .handshake || phase == .connecting else { return }
        if let message = value.errorMessage {
            fail(RedisError(code, endpoint: endpointText, detail: message))
            return
        }
        handshakeRemaining -= 1
        if handshakeRemaining == 0 { finishConnect() }
    }

    /// hiredis's connect callback: the first write event showed whether `connect(2)` succeeded.
    func socketConnected(_ context: UnsafePointer<redisAsyncContext>, status: Int32) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard status == REDIS_OK else {
            // hiredis frees the context as soon as this returns; read the error now.
            recordFailure(RedisError(hiredis: context.pointee.c, endpoint: endpointText, phase: .connecting))
            return
        }
        guard phase == .connecting else { return }
        adapter?.connected = true
        phase = .handshake
        if handshakeRemaining == 0 { finishConnect() }
    }

    /// hiredis's disconnect callback. Runs inside its teardown after `cleanup`; the error (if any)
    /// was taken from the context already, so this only fills in a missing cause.
    func contextDisconnected(_ context: UnsafePointer<redisAsyncContext>, status: Int32) {
        dispatchPrecondition(condition: .onQueue(queue))
        if status != REDIS_OK {
            recordFailure(RedisError(hiredis: context.pointee.c, endpoint: endpointText, phase: phase))
        }
    }

    private func finishConnect() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard failure == nil, let completion = connectCompletion else { return }
        connectCompletion = nil
        phase = .ready
        connectTimer?.cancel()
        connectTimer = nil
        startCommandTimer()
        completion(.success(self))
    }

    /// Reports a failed connect (teardown calls this once the context is gone).
    func failConnect(_ error: RedisError) {
        guard let completion = connectCompletion else { return }
        connectCompletion = nil
        completion(.failure(error))
    }

    private func startConnectTimer() {
        guard options.connectTimeoutMs > 0 else { return }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .milliseconds(options.connectTimeoutMs), leeway: .milliseconds(1))
        timer.setEventHandler { [self] in
            guard connectCompletion != nil else { return }
            let stage = phase == .connecting ? "connect" : "AUTH/SELECT handshake"
            fail(RedisError(.timeout, endpoint: endpointText, detail: "\(stage) did not finish within \(options.connectTimeoutMs) ms"))
        }
        timer.activate()
        connectTimer = timer
    }

    /// Fails the connection when the oldest outstanding command has waited longer than the command
    /// timeout. hiredis 0.14 has no per-command timeout and cannot cancel one command, so a late
    /// reply costs the whole connection (every outstanding completion gets `timeout`).
    ///
    /// One timer per connection, re-armed for the moment the oldest command would expire, rather
    /// than one timer per command.
    private func startCommandTimer() {
        guard let timeoutNs = commandTimeoutNs else { return }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.setEventHandler { [self] in checkCommandAge(timeoutNs: timeoutNs) }
        timer.schedule(deadline: .now() + .nanoseconds(Int(clamping: timeoutNs)), leeway: .milliseconds(1))
        timer.activate()
        commandTimer = timer
    }

    private func checkCommandAge(timeoutNs: UInt64) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !tornDown, let timer = commandTimer else { return }
        advanceHead()
        let now = MonotonicClock.nanos()
        if let oldest = pending.oldest {
            let age = now &- oldest.sentAt
            if age >= timeoutNs {
                let limit = timeoutNs / 1_000_000
                fail(RedisError(.timeout, endpoint: endpointText, detail: "no reply within \(limit) ms (hiredis cannot cancel one command, so the connection was closed)"))
                return
            }
            timer.schedule(deadline: .now() + .nanoseconds(Int(timeoutNs - age)), leeway: .milliseconds(1))
        } else {
            timer.schedule(deadline: .now() + .nanoseconds(Int(timeoutNs)), leeway: .milliseconds(1))
        }
    }
}
