import enum RedisConnection.Endpoint
import struct RedisConnection.EndpointParseError

/// Reads an etcd member's address as users write it: `http://127.0.0.1:2379`, `127.0.0.1:2379`,
/// `[::1]:2379`, or a host alone (etcd's client port, 2379).
public enum EtcdEndpoint {
    /// etcd's default client port.
    public static let defaultPort = 2379

    /// Parses one `--etcd` value; the error names the value and the accepted forms.
    public static func parse(_ text: String) throws(EtcdError) -> Endpoint {
        let call = "--etcd \(text)"
        if text.hasPrefix("https://") || text.hasPrefix("unix:") || text.hasPrefix("unixs:") {
            throw EtcdError(.invalidArgument, call: call, detail: "only plain http:// client URLs are supported (no TLS, no Unix sockets)",
                            hint: "Give http://host:2379 or host:2379")
        }
        var rest = Substring(text)
        if rest.hasPrefix("http://") { rest = rest.dropFirst("http://".count) }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty, !rest.contains("/") else {
            throw EtcdError(.invalidArgument, call: call, detail: "not a member address", hint: "Give http://host:2379 or host:2379")
        }
        let address: String
        let colons = rest.count { $0 == ":" }
        if rest.hasPrefix("[") {
            address = rest.contains("]:") ? String(rest) : "\(rest):\(defaultPort)"
        } else if colons > 1 {
            // A bare IPv6 address: its colons are not a port separator.
            address = "[\(rest)]:\(defaultPort)"
        } else {
            address = colons == 1 ? String(rest) : "\(rest):\(defaultPort)"
        }
        do {
            return try Endpoint(parsing: address)
        } catch {
            throw EtcdError(.invalidArgument, call: call, detail: error.reason, hint: "Give http://host:2379, host:2379 or [ipv6]:2379")
        }
    }
}
