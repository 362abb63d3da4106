#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A resolved address to connect to: IPv4, IPv6 or a Unix socket path.
public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    enum Storage: Sendable, Hashable {
        case inet(host: String, port: UInt16, family: Int32, bytes: [UInt8])
        case unix(path: String)
    }
    let storage: Storage

    /// `host:port` or `unix:path`.
    public var description: String {
        switch storage {
        case .inet(let host, let port, _, _): return "\(host):\(port)"
        case .unix(let path): return "unix:\(path)"
        }
    }

    /// A Unix socket path; fails when it does not fit `sun_path` (108 bytes on Linux).
    public static func unix(path: String) throws(SocketError) -> SocketAddress {
        guard path.utf8.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) else {
            throw SocketError(call: "socket path", errno: .fileNameTooLong, target: path)
        }
        return SocketAddress(storage: .unix(path: path))
    }

    /// Resolves `host` (a literal address or a name) with `getaddrinfo`, preferring IPv4.
    ///
    /// Resolution blocks; callers do it once at connect time, never on the measured path.
    public static func resolve(host: String, port: Int) throws(SocketError) -> SocketAddress {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            // getaddrinfo reports through its own codes, not errno; EHOSTUNREACH is the nearest errno.
            throw SocketError(call: "getaddrinfo", errno: .noRouteToHost, target: "\(host):\(port) (\(String(cString: gai_strerror(rc))))")
        }
        defer { freeaddrinfo(list) }
        var chosen: UnsafeMutablePointer<addrinfo>? = nil
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if entry.pointee.ai_family == AF_INET { chosen = entry; break }
            if chosen == nil && entry.pointee.ai_family == AF_INET6 { chosen = entry }
            cursor = entry.pointee.ai_next
        }
        guard let entry = chosen, let addr = entry.pointee.ai_addr else {
            throw SocketError(call: "getaddrinfo", errno: .addressFamilyNotSupported, target: "\(host):\(port)")
        }
        let bytes = [UInt8](UnsafeRawBufferPointer(start: addr, count: Int(entry.pointee.ai_addrlen)))
        return SocketAddress(storage: .inet(host: host, port: UInt16(port), family: entry.pointee.ai_family, bytes: bytes))
    }

    var family: Int32 {
        switch storage {
        case .inet(_, _, let family, _): return family
        case .unix: return AF_UNIX
        }
    }

    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        switch storage {
        case .inet(_, _, _, let bytes):
            return bytes.withUnsafeBytes { raw in
                body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(bytes.count))
            }
        case .unix(let path):
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { dest in
                let utf8 = Array(path.utf8)
                dest.copyBytes(from: utf8)
                dest[utf8.count] = 0
            }
            return withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
        }
    }
}
