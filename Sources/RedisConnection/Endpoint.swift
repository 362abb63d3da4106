/// Where a Redis server listens: a TCP host and port, or a Unix socket path.
public enum Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// TCP, e.g. `127.0.0.1:6379`.
    case tcp(host: String, port: Int)
    /// A Unix domain socket, e.g. `unix:/tmp/redis.sock`.
    case unix(path: String)

    /// `host:port` or `unix:path`, the form `--server` accepts.
    public var description: String {
        switch self {
        case .tcp(let host, let port):
            return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path):
            return "unix:\(path)"
        }
    }
}

/// Why a `--server` value could not be read as an endpoint.
public struct EndpointParseError: Error, Sendable, CustomStringConvertible {
    /// The text that was given.
    public var input: String
    /// What is wrong with it.
    public var reason: String
    /// What failed and the accepted forms.
    public var description: String {
        "invalid server '\(input)': \(reason). Use host:port (e.g. 127.0.0.1:6379), [ipv6]:port or unix:/path/to/redis.sock"
    }
}

extension Endpoint {
    /// Parses `host:port`, `[v6]:port` or `unix:/path`.
    public init(parsing text: String) throws(EndpointParseError) {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst("unix:".count))
            guard !path.isEmpty else { throw EndpointParseError(input: text, reason: "the socket path is empty") }
            self = .unix(path: path)
            return
        }
        var host: Substring
        var portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw EndpointParseError(input: text, reason: "missing ']' after the IPv6 address")
            }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw EndpointParseError(input: text, reason: "missing ':port'") }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw EndpointParseError(input: text, reason: "missing ':port'")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty else { throw EndpointParseError(input: text, reason: "the host is empty") }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw EndpointParseError(input: text, reason: "port '\(portText)' is not a number in 1...65535")
        }
        self = .tcp(host: String(host), port: port)
    }
}

/// Encoded as its `--server` text (`host:port` or `unix:path`), so JSON outputs read as the flags did.
extension Endpoint: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try Endpoint(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(error)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
