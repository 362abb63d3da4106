import POSIX

/// One blocking request/answer over TCP where the server closes after answering (an HTTP/1.0 GET, a
/// ZooKeeper four-letter word), bounded by one deadline: for readiness checks and server statistics,
/// never on a measured path. Failures are plain text, so each caller wraps them in its own error.
enum SocketExchange {
    /// Connects to `host:port`, writes `request`, and returns every byte the server wrote before closing.
    /// A reset after part of an answer returns that part: a server that answers and closes at once may
    /// reset instead of closing cleanly.
    static func exchange(_ request: [UInt8], host: String, port: Int, timeoutMs: Int) -> Result<[UInt8], ExchangeFailure> {
        let deadline = MonotonicClock.nanos() + UInt64(max(timeoutMs, 1)) * 1_000_000
        func remaining() -> UInt64 {
            let now = MonotonicClock.nanos()
            return deadline > now ? deadline - now : 0
        }
        let socket: Socket
        do {
            let opened = try Socket.connect(to: try SocketAddress.resolve(host: host, port: port))
            socket = opened.socket
            if opened.inProgress {
                guard socket.waitWritable(timeoutNanos: remaining()) else {
                    socket.close()
                    return .failure(ExchangeFailure("connect timed out after \(timeoutMs) ms"))
                }
                if let pending = socket.pendingError() {
                    socket.close()
                    return .failure(ExchangeFailure("connect: \(pending)"))
                }
            }
        } catch {
            return .failure(ExchangeFailure("connect: \(error)"))
        }
        defer { socket.close() }
        var sent = 0
        while sent < request.count {
            let result = request.withUnsafeBytes { raw in
                Result { () throws(SocketError) in try socket.write(UnsafeRawBufferPointer(rebasing: raw[sent...])) }
            }
            switch result {
            case .success(.wrote(let n)): sent += n
            case .success(.wouldBlock):
                guard socket.waitWritable(timeoutNanos: remaining()) else { return .failure(ExchangeFailure("send timed out")) }
            case .failure(let error): return .failure(ExchangeFailure("send: \(error)"))
            }
        }
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let result = chunk.withUnsafeMutableBytes { raw in Result { () throws(SocketError) in try socket.read(into: raw) } }
            switch result {
            case .success(.bytes(let n)): answer.append(contentsOf: chunk[0..<n])
            case .success(.endOfFile): return .success(answer)
            case .success(.wouldBlock):
                guard socket.waitReadable(timeoutNanos: remaining()) else {
                    return .failure(ExchangeFailure("no complete answer within \(timeoutMs) ms"))
                }
            case .failure where !answer.isEmpty: return .success(answer)
            case .failure(let error): return .failure(ExchangeFailure("read: \(error)"))
            }
        }
    }

    /// What went wrong, in words for the caller's own error.
    struct ExchangeFailure: Error {
        var detail: String
        init(_ detail: String) { self.detail = detail }
    }
}
