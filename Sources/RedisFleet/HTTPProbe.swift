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
        let request = Array("GET \(path) HTTP/1.0\r\nHost: \(endpoint)\r\nConnection: close\r\n\r\n".utf8)
        let response: [UInt8]
        switch SocketExchange.exchange(request, host: host, port: port, timeoutMs: timeoutMs) {
        case .success(let bytes): response = bytes
        case .failure(let exchange): throw failure(exchange.detail)
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
