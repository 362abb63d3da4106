import RedisConnection

/// TLS on a fleet's servers: each node keeps its plain loopback port (the fleet's own probes and
/// setup commands speak plain RESP there) and adds a `tls-port`, which is what a TLS client is given
/// (`RedisFleet.tlsEndpoints`). Replication and the cluster bus go over TLS too (`tls-replication`,
/// `tls-cluster`), so a replica, a Sentinel or a cluster peer dials the TLS port.
public struct ServerTLS: Sendable, Hashable {
    /// `tls-auth-clients`: whether a client must present a certificate signed by the fleet's CA.
    public enum ClientCertificates: String, Sendable, Hashable {
        /// A client without a certificate is refused.
        case required = "yes"
        /// A client may present one (and it is verified when it does).
        case optional
        /// None is asked for.
        case notRequested = "no"
    }

    public var clientCertificates: ClientCertificates
    /// Certificates to serve; `nil` generates a fresh CA, server and client certificate into the
    /// fleet's temp directory (removed with it). A Sentinel fleet passes its data fleet's
    /// `certificates` here so both trust the same CA.
    public var certificates: TLSCertificates?

    public init(clientCertificates: ClientCertificates = .optional, certificates: TLSCertificates? = nil) {
        self.clientCertificates = clientCertificates
        self.certificates = certificates
    }
}
