/// TLS for a connection: which CA vouches for the server, the client's own certificate, and the
/// name the server's certificate must carry. Paths only: a key's bytes never pass through a flag,
/// an environment variable or an output.
public struct TLSOptions: Codable, Sendable, Hashable, CustomStringConvertible {
    /// PEM file of the CA(s) that sign the server's certificate; `nil` trusts the system store.
    public var caFile: String?
    /// PEM certificate (chain) the client presents, for servers with `tls-auth-clients yes`.
    public var certFile: String?
    /// PEM private key of `certFile`; `nil` reads it from `certFile`.
    public var keyFile: String?
    /// The name (DNS name or IP address) the server's certificate must carry; `nil` uses the
    /// endpoint's host. A DNS name is also sent as SNI.
    public var serverName: String?
    /// Skips certificate and name verification: the link is encrypted but the server unauthenticated.
    public var insecure: Bool

    public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil, serverName: String? = nil, insecure: Bool = false) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.serverName = serverName
        self.insecure = insecure
    }

    /// `tls ca=… cert=… name=…`, or `tls INSECURE (no verification)`: what a summary line shows.
    public var description: String {
        if insecure { return "tls INSECURE (certificates not verified)" }
        var parts = ["tls"]
        parts.append("ca=\(caFile ?? "system")")
        if let certFile { parts.append("cert=\(certFile)") }
        if let serverName { parts.append("name=\(serverName)") }
        return parts.joined(separator: " ")
    }
}
