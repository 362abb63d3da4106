import Dispatch
import POSIX
import RESP
import RedisConnection

extension NativeConnection {
    func scheduleFlush() {
        // Inside a read event the flush happens once all replies are handled, so the commands those
        // replies trigger leave in one write; elsewhere, one deferred flush per queue turn.
        if inReadHandler || flushScheduled { return }
        switch state {
        case .handshaking, .ready:
            flushScheduled = true
            queue.async { [weak self] in
                guard let self else { return }
                self.flush()
                self.waitInline()
            }
        default:
            break // still connecting: `connected()` flushes what was queued
        }
    }

    func flush() {
        assertOnQueue()
        flushScheduled = false
        guard let socket else { return }
        switch state {
        case .handshaking, .ready: break
        default: return
        }
        if let tls {
            flushTLS(tls, socket: socket)
            return
        }
        while writeOffset < encoder.bytes.count {
            let offset = writeOffset
            let attempt: Result<WriteResult, SocketError> = encoder.bytes.withUnsafeBytes { raw in
                Result { () throws(SocketError) in try socket.write(UnsafeRawBufferPointer(rebasing: raw[offset...])) }
            }
            let result: WriteResult
            switch attempt {
            case .success(let r): result = r
            case .failure(let error):
                fail(RedisError(error, endpoint: endpoint.description, during: "write"))
                return
            }
            switch result {
            case .wrote(let n):
                writeOffset += n
            case .wouldBlock:
                if writeOffset >= 256 * 1024 {
                    // The kernel is behind; drop what it took so a long backlog does not grow the buffer.
                    encoder.removeFirst(writeOffset)
                    writeOffset = 0
                }
                resumeWriteSource()
                return
            }
        }
        encoder.reset()
        writeOffset = 0
        suspendWriteSource()
    }

    func resumeWriteSource() {
        if !writeSourceRunning, let writeSource {
            writeSourceRunning = true
            writeSource.resume()
        }
    }

    func suspendWriteSource() {
        if writeSourceRunning, let writeSource {
            writeSourceRunning = false
            writeSource.suspend()
        }
    }

    func handleWritable() {
        assertOnQueue()
        switch state {
        case .connecting:
            guard let socket else { return }
            if let err = socket.pendingError() {
                fail(RedisError(SocketError(call: "connect", errno: err, target: socket.target), endpoint: endpoint.description, during: "connect"))
                return
            }
            suspendWriteSource()
            connected()
        case .securing:
            guard let tls, let socket else { return }
            if sendCipher(tls, socket: socket) { suspendWriteSource() }
        case .handshaking, .ready:
            flush()
        default:
            break
        }
    }

    func handleReadable() {
        assertOnQueue()
        readAvailable()
        waitInline()
    }

    /// With `inlineReplyWaitMicros` set and replies owed, waits for them in `poll(2)` on this thread and
    /// handles them here (which sends the commands they trigger), until nothing is owed or the budget
    /// is spent; then Dispatch's read source takes over again. Skips Dispatch's manager-thread hop per
    /// reply (see `ConnectionOptions.inlineReplyWaitMicros`).
    func waitInline() {
        guard let micros = options.inlineReplyWaitMicros, micros > 0, !inInlineWait, let socket else { return }
        inInlineWait = true
        defer { inInlineWait = false }
        let deadline = MonotonicClock.nanos() &+ UInt64(micros) * 1_000
        // With TLS, unsent ciphertext is unsent commands: waiting for their replies would only burn the budget.
        while case .ready = state, !pending.isEmpty, writeOffset >= encoder.bytes.count, tls?.hasCipherOut != true {
            let now = MonotonicClock.nanos()
            guard now < deadline, socket.waitReadable(timeoutNanos: deadline - now) else { return }
            readAvailable()
        }
    }

    /// Reads what the socket has, hands every complete reply to its command, then writes what those
    /// replies made the callers send.
    func readAvailable() {
        guard let socket else { return }
        if let tls {
            readAvailableTLS(tls, socket: socket)
            return
        }
        inReadHandler = true
        defer {
            inReadHandler = false
            if case .failed = state {} else if writeOffset < encoder.bytes.count { flush() }
        }
        // A few reads per event: enough to drain a burst without starving other sources on the queue.
        for _ in 0..<4 {
            let result: ReadResult
            do {
                result = try socket.read(into: readBuffer)
            } catch {
                fail(RedisError(error, endpoint: endpoint.description, during: "read"))
                return
            }
            switch result {
            case .bytes(let n):
                decoder.feed(UnsafeRawBufferPointer(rebasing: readBuffer[0..<n]))
                guard drainDecoder() else { return }
                if n < readBuffer.count { return }
            case .wouldBlock:
                return
            case .endOfFile:
                failEndOfFile()
                return
            }
        }
    }

    func failEndOfFile() {
        let midReply = decoder.isMidValue
        let code: RedisError.Code = midReply ? .closedMidReply : .connectionClosed
        let detail = midReply ? "the server closed the connection part-way through a reply" : "the server closed the connection"
        fail(RedisError(code, endpoint: endpoint.description, detail: detail))
    }

    /// Hands every complete reply to its completion; false once the connection has failed.
    func drainDecoder() -> Bool {
        while true {
            let value: RESPValue?
            do {
                value = try decoder.next()
            } catch {
                fail(RedisError(.protocolError, endpoint: endpoint.description, detail: error.description))
                return false
            }
            guard let value else { return true }
            deliver(value)
            if case .failed = state { return false }
        }
    }

    func deliver(_ value: RESPValue) {
        if isOutOfBand(value) {
            if let message = RedisPushMessage(value) { pushHandler?(message) }
            return
        }
        noteSubscriptionChange(value)
        guard !pending.isEmpty else {
            fail(RedisError(.protocolError, endpoint: endpoint.description, detail: "received a reply with no command outstanding"))
            return
        }
        let done = pending.withFirst { item -> Bool in
            item.repliesLeft -= 1
            return item.repliesLeft <= 0
        }
        if done, let item = pending.popFirst() {
            if item.subscribes { subscribesInFlight -= 1 }
            item.completion(.success(value))
        }
    }

    func armCommandTimer() {
        guard let limit = options.commandTimeoutMs, limit > 0 else { return }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let period = max(1, limit / 4)
        timer.schedule(deadline: .now() + .milliseconds(period), repeating: .milliseconds(period))
        timer.setEventHandler { [weak self] in
            guard let self, let oldest = self.pending.first else { return }
            let waitedMs = (MonotonicClock.nanos() &- oldest.queuedAt) / 1_000_000
            if waitedMs >= UInt64(limit) {
                self.fail(RedisError(.timeout, endpoint: self.endpoint.description, detail: "no reply within \(limit) ms (\(self.pending.count) commands outstanding)"))
            }
        }
        commandTimer = timer
        timer.resume()
    }
}
