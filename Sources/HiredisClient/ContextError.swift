import CHiredis
import RedisConnection
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How far a connection had got when its context failed: the same hiredis error means different
/// things before the socket connects, during the handshake and afterwards.
enum ConnectionPhase {
    /// `connect(2)` has not completed.
    case connecting
    /// Connected; `AUTH`/`SELECT` outstanding.
    case handshake
    /// Handed to the caller.
    case ready
}

extension RedisError {
    /// Translates the error hiredis recorded in `context` (`c->err`, `c->errstr`, the reader).
    ///
    /// hiredis keeps no errno: for `REDIS_ERR_IO` it stores `strerror(errno)` in `errstr`
    /// (sometimes behind a prefix such as `connect: `), and by the time a callback runs the
    /// thread's `errno` may have been overwritten. So the errno is recovered by matching the text,
    /// which is exact for the codes that decide the error's kind.
    init(hiredis context: redisContext, endpoint: String, phase: ConnectionPhase) {
        let text = Self.errorText(context)
        switch context.err {
        case REDIS_ERR_IO:
            let code = Self.errno(matching: text)
            let kind: Code
            switch code {
            case ECONNREFUSED?, ENOENT?: kind = .connectionRefused
            case ECONNRESET?, EPIPE?: kind = .connectionReset
            case ETIMEDOUT?: kind = .timeout
            default: kind = .io
            }
            self.init(kind, endpoint: endpoint, detail: text, errno: code)
        case REDIS_ERR_EOF:
            // The server hung up. A reply was cut in half when the reader holds bytes it has not
            // consumed, or is inside a nested reply (ridx > 0), or has read the type byte of a
            // top-level one. ridx alone is no sign: after consuming a buffer, the reader re-arms
            // an empty task (ridx 0, type -1) while it waits. This tells a crashed or killed
            // server from one that closed an idle connection.
            let midReply = context.reader.map { reader in
                let state = reader.pointee
                return state.len > state.pos || state.ridx > 0 || (state.ridx == 0 && state.rstack.0.type >= 0)
            } ?? false
            self.init(midReply ? .closedMidReply : .connectionClosed, endpoint: endpoint, detail: text)
        case REDIS_ERR_PROTOCOL:
            self.init(.protocolError, endpoint: endpoint, detail: text)
        case REDIS_ERR_OTHER:
            switch phase {
            case .connecting:
                // Before the socket exists, the only REDIS_ERR_OTHER is getaddrinfo's.
                self.init(.addressResolution, endpoint: endpoint, detail: text)
            case .handshake:
                self.init(.handshakeFailed, endpoint: endpoint, detail: text)
            case .ready:
                // An error reply nobody asked for (e.g. "max number of clients reached"): hiredis
                // records it and disconnects, because the server closes right after sending it.
                self.init(.connectionClosed, endpoint: endpoint, detail: "server said: \(text)")
            }
        case REDIS_ERR_OOM:
            self.init(.io, endpoint: endpoint, detail: "hiredis ran out of memory")
        default:
            self.init(.connectionClosed, endpoint: endpoint, detail: text.isEmpty ? "hiredis context closed" : text)
        }
    }

    private static func errorText(_ context: redisContext) -> String {
        withUnsafeBytes(of: context.errstr) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Codes whose `strerror` text hiredis may have stored.
    private static let candidates: [Int32] = [
        ECONNREFUSED, ENOENT, ECONNRESET, EPIPE, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH,
        EADDRNOTAVAIL, EACCES, EMFILE, ENFILE, ENOBUFS, ENOMEM, EAGAIN, EINVAL, ENOTCONN,
    ]

    private static func errno(matching text: String) -> Int32? {
        candidates.first { code in
            guard let message = strerror(code) else { return false }
            return text.hasSuffix(String(cString: message))
        }
    }
}
