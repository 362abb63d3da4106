import POSIX
import RedisConnection

/// Why a plain HTTP GET to a server's admin port (etcd's `/health`, `/metrics`) failed.
public struct HTTPProbeError: Error, Sendable, CustomStringConvertible {
    /// The endpoint asked.
    public var endpoint: Endpoint
    /// The path asked for.
    public var path: String
    /// What went wrong: the socket error, the timeout, the status line.
    public var detail: String

    /// `GET http://127.0.0.1:2379/metrics: <detail>`.
    public var description: String { "GET http://\(endpoint)\(path): \(detail)" }
}

/// A tiny blocking HTTP/1.0 GET for readiness checks and server metrics: never for measurement.
///
/// HTTP/1.0 with `Connection: close` makes the body end at EOF, so no chunked decoding is needed
/// (Go's server answers a 1.0 request without chunking).
enum HTTPProbe {
    /// The response's status code and body.
    static func get(_ path: String, at endpoint: Endpoint, timeoutMs: Int = 1_000) throws(HTTPProbeError) -> (status: Int, body: String) {
        func failure(_ detail: String) -> HTTPProbeError { HTTPProbeError(endpoint: endpoint, path: path, detail: detail) }
        guard case .tcp(let host, let port) = endpoint else { throw failure("HTTP probes need a TCP endpoint") }
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
                    throw failure("connect timed out after \(timeoutMs) ms")
                }
                if let pending = socket.pendingError() {
                    socket.close()
                    throw failure("connect: \(pending)")
                }
            }
        } catch let error as HTTPProbeError {
            throw error
        } catch {
            throw failure("\(error)")
        }
        defer { socket.close() }

        let request = Array("GET \(path) HTTP/1.0\r\nHost: \(endpoint)\r\nConnection: close\r\n\r\n".utf8)
        var offset = 0
        while offset < request.count {
            let result: Result<WriteResult, SocketError> = request.withUnsafeBytes { raw in
                Result { () throws(SocketError) in try socket.write(UnsafeRawBufferPointer(rebasing: raw[offset...])) }
            }
            switch result {
            case .success(.wrote(let n)): offset += n
            case .success(.wouldBlock):
                guard socket.waitWritable(timeoutNanos: remaining()) else { throw failure("send timed out") }
            case .failure(let error): throw failure("send: \(error)")
            }
        }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        reading: while true {
            let result: Result<ReadResult, SocketError> = chunk.withUnsafeMutableBytes { raw in
                Result { () throws(SocketError) in try socket.read(into: raw) }
            }
            switch result {
            case .success(.bytes(let n)): response += chunk[0..<n]
            case .success(.endOfFile): break reading
            case .success(.wouldBlock):
                guard socket.waitReadable(timeoutNanos: remaining()) else { throw failure("no complete response within \(timeoutMs) ms") }
            case .failure(let error): throw failure("read: \(error)")
            }
        }
        let text = String(decoding: response, as: UTF8.self)
        guard text.hasPrefix("HTTP/"), let statusText = text.split(separator: " ", maxSplits: 2).dropFirst().first,
              let status = Int(statusText)
        else {
            throw failure("not an HTTP response (first bytes: \(text.prefix(40).debugDescription))")
        }
        guard let headerEnd = text.range(of: "\r\n\r\n") else { return (status, "") }
        return (status, String(text[headerEnd.upperBound...]))
    }
}
