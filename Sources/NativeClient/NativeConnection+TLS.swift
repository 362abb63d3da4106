import POSIX
import RESP
import RedisConnection

/// The TLS side of the connection: the handshake before any command, then records in and out of the
/// same Dispatch sources the plain path uses. Every function here runs only when `tls` is set; the
/// plain path pays one `nil` check per read event, per flush and per inline-wait turn for it.
extension NativeConnection {
    func makeTLSSession(_ tlsOptions: TLSOptions) throws(RedisError) -> TLSSession {
        guard case .tcp(let host, _) = endpoint else {
            throw RedisError(.tls, endpoint: endpoint.description, detail: "redis-server serves TLS on TCP only, not on a Unix socket; drop --tls or give a host:port")
        }
        let context = try TLSContext.shared(for: tlsOptions, endpoint: endpoint.description)
        return try TLSSession(context: context, host: host, endpoint: endpoint.description)
    }

    /// Runs the handshake as far as the server's bytes allow; once done, the Redis handshake
    /// (HELLO/AUTH/SELECT) goes out, encrypted, as on a plain connection.
    func advanceTLSHandshake(_ tls: TLSSession) {
        assertOnQueue()
        let step = tls.handshake()
        guard let socket else { return }
        if tls.hasCipherOut && !sendCipher(tls, socket: socket) {
            if case .failed = state { return }
            resumeWriteSource()
        }
        if case .failed = state { return }
        switch step {
        case .wantRead:
            break
        case .failed(let text):
            fail(RedisError(.tls, endpoint: endpoint.description, detail: text))
        case .done:
            state = .handshaking
            sendHandshake()
            flush()
        }
    }

    /// Writes queued ciphertext; false when the socket would block (or the connection failed).
    func sendCipher(_ tls: TLSSession, socket: Socket) -> Bool {
        do {
            return try tls.sendCipher(on: socket)
        } catch {
            fail(RedisError(error, endpoint: endpoint.description, during: "write"))
            return false
        }
    }

    /// `flush()` under TLS: ciphertext already made goes first, so records leave in order; then the
    /// queued commands are encrypted in one go (memory BIOs take it all) and sent.
    func flushTLS(_ tls: TLSSession, socket: Socket) {
        guard sendCipher(tls, socket: socket) else {
            if case .failed = state { return }
            resumeWriteSource()
            return
        }
        if writeOffset < encoder.bytes.count {
            let offset = writeOffset
            let failure = encoder.bytes.withUnsafeBytes { raw in tls.write(UnsafeRawBufferPointer(rebasing: raw[offset...])) }
            if let failure {
                fail(RedisError(.tls, endpoint: endpoint.description, detail: failure))
                return
            }
            encoder.reset()
            writeOffset = 0
            guard sendCipher(tls, socket: socket) else {
                if case .failed = state { return }
                resumeWriteSource()
                return
            }
        }
        suspendWriteSource()
    }

    /// `readAvailable()` under TLS: ciphertext from the socket is fed to OpenSSL and the records it
    /// completes are decrypted into `readBuffer` for the RESP decoder; during the handshake the bytes
    /// advance the handshake instead.
    func readAvailableTLS(_ tls: TLSSession, socket: Socket) {
        inReadHandler = true
        defer {
            inReadHandler = false
            // Replies may have queued commands, and reading may have made ciphertext (a key update's answer).
            if case .failed = state {} else if writeOffset < encoder.bytes.count || tls.hasCipherOut { flush() }
        }
        for _ in 0..<4 {
            let result: ReadResult
            do {
                result = try socket.read(into: tls.cipherIn)
            } catch {
                fail(RedisError(error, endpoint: endpoint.description, during: "read"))
                return
            }
            switch result {
            case .bytes(let n):
                tls.feed(count: n)
                if case .securing = state {
                    advanceTLSHandshake(tls)
                    if case .securing = state { continue }
                    if case .failed = state { return }
                }
                guard drainTLS(tls) else { return }
                if n < tls.cipherIn.count { return }
            case .wouldBlock:
                return
            case .endOfFile:
                if case .securing = state {
                    fail(RedisError(.tls, endpoint: endpoint.description,
                                    detail: "the server closed the connection during the TLS handshake: is this a plain (non-TLS) port, or does it require a client certificate (--cert/--key)?"))
                } else {
                    failEndOfFile()
                }
                return
            }
        }
    }

    /// Decrypts every whole record fed so far and hands the replies on; false once the connection failed.
    func drainTLS(_ tls: TLSSession) -> Bool {
        while true {
            switch tls.read(into: readBuffer) {
            case .bytes(let n):
                decoder.feed(UnsafeRawBufferPointer(rebasing: readBuffer[0..<n]))
                guard drainDecoder() else { return false }
            case .wantRead:
                return true
            case .closed:
                failEndOfFile()
                return false
            case .failed(let text):
                fail(RedisError(.tls, endpoint: endpoint.description, detail: text))
                return false
            }
        }
    }
}
