import CTLS
#if canImport(Glibc)
import Glibc
#endif
import POSIX
import RedisConnection

/// One connection's TLS state: an `SSL` whose records go through two memory BIOs, not the socket.
///
/// Why memory BIOs rather than `SSL_set_fd`: the socket stays with the connection's own code (EINTR,
/// EAGAIN, typed errors, the Dispatch sources) and OpenSSL only transforms bytes. With the fd, an
/// `SSL_read` may want to *write* (a TLS 1.3 key update) and an `SSL_write` may want to *read*, so each
/// source would have to remember which call to retry on which event; with memory BIOs a read event
/// only ever feeds ciphertext in and a write event only ever drains ciphertext out. The price is one
/// `memcpy` of each record, small beside the cipher itself.
///
/// Confined to the connection's queue, like the rest of its state.
final class TLSSession {
    /// How far the handshake got.
    enum HandshakeStep {
        case done
        /// Waiting for the server's next flight.
        case wantRead
        case failed(String)
    }

    /// What one `SSL_read` produced.
    enum PlainRead {
        case bytes(Int)
        /// The ciphertext fed so far holds no more whole records.
        case wantRead
        /// The server sent close_notify.
        case closed
        case failed(String)
    }

    private let ssl: OpaquePointer
    private let incoming: OpaquePointer
    private let outgoing: OpaquePointer
    /// Ciphertext made by OpenSSL and not yet taken by the socket.
    private(set) var cipherOut: [UInt8] = []
    private var cipherOutOffset = 0
    /// Where socket reads land before they are fed to OpenSSL.
    let cipherIn: UnsafeMutableRawBufferPointer
    /// The name verification expects, for messages.
    let verifiedName: String?
    /// Whether a CA file was given (else the system store judged the certificate), for messages.
    let caGiven: Bool

    init(context: TLSContext, host: String, endpoint: String) throws(RedisError) {
        func failure(_ what: String) -> RedisError {
            RedisError(.tls, endpoint: endpoint, detail: "\(what): \(TLSContext.drainErrors())")
        }
        guard let ssl = SSL_new(context.context) else { throw failure("SSL_new") }
        guard let incoming = lockbench_BIO_new_mem_retrying(), let outgoing = lockbench_BIO_new_mem_retrying() else {
            SSL_free(ssl)
            throw failure("BIO_new")
        }
        // From here the SSL owns both BIOs: SSL_free frees them.
        SSL_set_bio(ssl, incoming, outgoing)
        SSL_set_connect_state(ssl)
        self.ssl = ssl
        self.incoming = incoming
        self.outgoing = outgoing
        self.cipherIn = .allocate(byteCount: 64 * 1024, alignment: 16)
        self.caGiven = context.options.caFile != nil
        let name = context.options.serverName ?? host
        let isAddress = Self.isAddressLiteral(name)
        // RFC 6066: SNI carries DNS names only, never an address.
        if !isAddress { _ = lockbench_SSL_set_tlsext_host_name(ssl, name) }
        if context.options.insecure {
            verifiedName = nil
        } else {
            verifiedName = name
            // SSL_set1_host matches DNS names only; an IP literal must match an IP SAN through the verify param.
            let set = isAddress ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name) : SSL_set1_host(ssl, name)
            guard set == 1 else { throw failure("cannot check the server's certificate against '\(name)'") }
        }
    }

    /// An IPv4 or IPv6 literal, which certificates carry as an IP SAN rather than a DNS name.
    static func isAddressLiteral(_ name: String) -> Bool {
        var scratch = [UInt8](repeating: 0, count: 16)
        return inet_pton(AF_INET, name, &scratch) == 1 || inet_pton(AF_INET6, name, &scratch) == 1
    }

    deinit {
        SSL_free(ssl)
        cipherIn.deallocate()
    }

    /// Advances the handshake with the ciphertext fed so far; what it wants sent is in `cipherOut`.
    func handshake() -> HandshakeStep {
        let result = SSL_do_handshake(ssl)
        collectCipher()
        if result == 1 { return .done }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ: return .wantRead
        default: return .failed(failureText(during: "handshake"))
        }
    }

    /// Hands `count` bytes read from the socket into `cipherIn` to OpenSSL.
    func feed(count: Int) {
        // A memory BIO grows as needed: the write takes everything.
        _ = BIO_write(incoming, cipherIn.baseAddress, Int32(count))
    }

    /// Decrypts into `buffer` from the records fed so far.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> PlainRead {
        let result = SSL_read(ssl, buffer.baseAddress, Int32(clamping: buffer.count))
        if result > 0 { return .bytes(Int(result)) }
        let error = SSL_get_error(ssl, result)
        // Post-handshake messages (session tickets, key updates) may need an answer.
        collectCipher()
        switch error {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_ZERO_RETURN: return .closed
        default: return .failed(failureText(during: "read"))
        }
    }

    /// Encrypts all of `plain` into `cipherOut`; nil on success, else why it failed.
    func write(_ plain: UnsafeRawBufferPointer) -> String? {
        var offset = 0
        while offset < plain.count {
            var written = 0
            let ok = SSL_write_ex(ssl, plain.baseAddress! + offset, plain.count - offset, &written)
            guard ok == 1 else { return failureText(during: "write") }
            offset += written
        }
        collectCipher()
        return nil
    }

    /// Whether ciphertext is waiting for the socket.
    var hasCipherOut: Bool { cipherOutOffset < cipherOut.count }

    /// Writes `cipherOut` to `socket` until it is empty (true) or the socket would block (false).
    func sendCipher(on socket: Socket) throws(SocketError) -> Bool {
        while cipherOutOffset < cipherOut.count {
            let offset = cipherOutOffset
            let attempt: Result<WriteResult, SocketError> = cipherOut.withUnsafeBytes { raw in
                Result { () throws(SocketError) in try socket.write(UnsafeRawBufferPointer(rebasing: raw[offset...])) }
            }
            switch try attempt.get() {
            case .wrote(let n): cipherOutOffset += n
            case .wouldBlock: return false
            }
        }
        cipherOut.removeAll(keepingCapacity: true)
        cipherOutOffset = 0
        return true
    }

    private func collectCipher() {
        while true {
            let pending = lockbench_BIO_pending(outgoing)
            guard pending > 0 else { return }
            let start = cipherOut.count
            cipherOut.append(contentsOf: repeatElement(0, count: pending))
            let got = cipherOut.withUnsafeMutableBytes { raw in BIO_read(outgoing, raw.baseAddress! + start, Int32(pending)) }
            cipherOut.removeLast(pending - max(0, Int(got)))
            if got <= 0 { return }
        }
    }

    /// What OpenSSL says went wrong, with the certificate check's verdict when that is the cause.
    private func failureText(during phase: String) -> String {
        let queued = TLSContext.drainErrors()
        let verdict = SSL_get_verify_result(ssl)
        if verdict != X509_V_OK {
            let reason = String(cString: X509_verify_cert_error_string(verdict))
            var text = "the server's certificate was rejected: \(reason)"
            if verdict == X509_V_ERR_HOSTNAME_MISMATCH || verdict == X509_V_ERR_IP_ADDRESS_MISMATCH {
                text += " (it does not name '\(verifiedName ?? "?")'; give --tls-server-name with a name it carries)"
            } else if verdict == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY || verdict == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN
                        || verdict == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT {
                text += caGiven ? " (its CA is not the one given: point --cacert at the CA that signed it)"
                    : " (the system's CA store does not trust it: give --cacert with the CA that signed it)"
            }
            return text
        }
        if queued.contains("wrong version number") || queued.contains("packet length too long") || queued.contains("record layer failure") {
            return "TLS \(phase): \(queued): the server did not answer in TLS; is this a plain (non-TLS) port? Drop --tls, or use its tls-port"
        }
        if queued.contains("certificate required") || queued.contains("handshake failure") && phase == "read" {
            return "TLS \(phase): \(queued): the server wants a client certificate it trusts; give --cert and --key"
        }
        return "TLS \(phase): \(queued)"
    }
}
