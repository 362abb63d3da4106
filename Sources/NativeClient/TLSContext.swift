import CTLS
import RedisConnection
import Synchronization

/// One `SSL_CTX` per distinct `TLSOptions`, made once per process: loading a CA file and a key costs
/// milliseconds, and a run opens many connections with the same options. OpenSSL lets many threads
/// make `SSL` objects from one configured context.
final class TLSContext: @unchecked Sendable {
    // @unchecked: the context is configured in `init` and only read (SSL_new) afterwards.
    let context: OpaquePointer
    let options: TLSOptions

    private static let cache = Mutex<[TLSOptions: TLSContext]>([:])

    /// The context for `options`, made on first use; a failure is not cached, so a fixed file is read again.
    static func shared(for options: TLSOptions, endpoint: String) throws(RedisError) -> TLSContext {
        if let made = cache.withLock({ $0[options] }) { return made }
        let made = try TLSContext(options: options, endpoint: endpoint)
        return cache.withLock { cache in
            if let raced = cache[options] { return raced }
            cache[options] = made
            return made
        }
    }

    private init(options: TLSOptions, endpoint: String) throws(RedisError) {
        func failure(_ what: String) -> RedisError {
            RedisError(.tls, endpoint: endpoint, detail: "\(what): \(TLSContext.drainErrors())")
        }
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw failure("SSL_CTX_new") }
        self.context = context
        self.options = options
        // TLS 1.0/1.1 are gone from every managed Redis; refusing them keeps a downgrade out of the figures.
        _ = lockbench_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION)
        // The plaintext buffer may grow (and move) between a WANT and its retry; with memory BIOs that
        // never happens, but the mode makes the retry legal should the I/O ever go to the fd.
        _ = lockbench_SSL_CTX_set_mode(context, Int(SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))
        if options.insecure {
            SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        } else {
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
            if let caFile = options.caFile {
                guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else {
                    throw failure("cannot load the CA file \(caFile) (--cacert; a PEM certificate is expected)")
                }
            } else if SSL_CTX_set_default_verify_paths(context) != 1 {
                throw failure("cannot load the system's CA store (give --cacert)")
            }
        }
        if let certFile = options.certFile {
            guard SSL_CTX_use_certificate_chain_file(context, certFile) == 1 else {
                throw failure("cannot load the client certificate \(certFile) (--cert; PEM expected)")
            }
            let keyFile = options.keyFile ?? certFile
            guard SSL_CTX_use_PrivateKey_file(context, keyFile, SSL_FILETYPE_PEM) == 1 else {
                throw failure("cannot load the client key \(keyFile) (--key; an unencrypted PEM key is expected)")
            }
            guard SSL_CTX_check_private_key(context) == 1 else {
                throw failure("the key \(keyFile) does not belong to the certificate \(certFile) (--key/--cert)")
            }
        }
    }

    deinit { SSL_CTX_free(context) }

    /// The oldest error on this thread's OpenSSL queue as text (empty queue: "no detail"), and clears the
    /// queue so the next connection served by this thread does not inherit it.
    static func drainErrors() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        buffer.withUnsafeMutableBufferPointer { lockbench_ERR_drain($0.baseAddress, $0.count) }
        let text = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.isEmpty ? "no detail from OpenSSL" : text
    }
}
