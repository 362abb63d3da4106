#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import POSIX

/// A node's TLS port and what it serves there.
struct TLSListener: Sendable, Hashable {
    var port: Int
    var certificates: TLSCertificates
    var clientCertificates: ServerTLS.ClientCertificates
}

/// Renders and writes one node's `redis.conf`.
///
/// The file, not the command line, carries every setting: `requirepass` and ACL passwords on a
/// command line would be readable by any local user through `ps` or `/proc/<pid>/cmdline`.
enum ServerConfigFile {
    /// The config text for a node listening on `port` (TCP) or on `layout.socketPath` (Unix).
    static func render(options: RedisServerOptions, layout: NodeLayout, port: Int?, tls: TLSListener? = nil) -> String {
        var lines: [String] = [
            "# Written by lockbench RedisFleet for one run; removed when the fleet stops.",
            "daemonize no",
            // A benchmark must not measure disk: no RDB snapshots, no AOF.
            "save \(quote(""))",
            "appendonly no",
            "dir \(quote(layout.directory))",
            "logfile \(quote(layout.logPath))",
            "bind 127.0.0.1",
            "always-show-logo no",
        ]
        switch options.transport {
        case .tcp:
            lines.append("port \(port ?? 0)")
        case .unix:
            lines.append("port 0")
            lines.append("unixsocket \(quote(layout.socketPath))")
            lines.append("unixsocketperm 700")
        }
        if let tls {
            let files = tls.certificates
            lines += [
                "tls-port \(tls.port)",
                "tls-cert-file \(quote(files.serverCertificate))",
                "tls-key-file \(quote(files.serverKey))",
                "tls-ca-cert-file \(quote(files.caCertificate))",
                "tls-auth-clients \(tls.clientCertificates.rawValue)",
                // A replica, a Sentinel or a cluster peer then dials the TLS port, as in a TLS deployment.
                "tls-replication yes",
                "tls-cluster yes",
            ]
        }
        if let password = options.password {
            lines.append("requirepass \(quote(password))")
            // A node that becomes a replica (a cluster replica, a promoted node's old primary) must
            // authenticate to its primary, which asks for the same password.
            lines.append("masterauth \(quote(password))")
        }
        for user in options.aclUsers {
            let words = [user.name, "reset", "on", ">" + user.password] + user.rules
            lines.append("user " + words.map(quote).joined(separator: " "))
        }
        for directive in options.extraConfig {
            lines.append(([directive.name] + directive.arguments.map(quote)).joined(separator: " "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Quotes one argument the way redis's `sdssplitargs` reads it back.
    static func quote(_ value: String) -> String {
        var out = "\""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): out += "\\\\"
            case UInt8(ascii: "\""): out += "\\\""
            case 0x20...0x7e: out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                // Control bytes and non-ASCII go as \xHH so the line stays one line of one argument.
                let hex = String(byte, radix: 16)
                out += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out + "\""
    }

    /// Directive names the fleet accepts in `extraConfig`: anything else could break the file's syntax.
    static func isValidDirectiveName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { b in
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "-")
        }
    }

    /// Writes `text` to `path` with mode 0600, replacing any previous file.
    static func writeFile(_ text: String, to path: String) throws(FleetError) {
        let fd: Int32
        switch retryingEINTR({ open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600) }) {
        case .success(let opened): fd = opened
        case .failure(let error):
            throw FleetError(.fileSystem, detail: "cannot create \(path): \(error)",
                             hint: "Check that the temp directory is writable.", errno: error.rawValue)
        }
        defer { _ = close(fd) }
        // O_CREAT's mode does not apply to a file that already existed; make sure it is 0600 anyway.
        _ = fchmod(fd, 0o600)
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                retryingEINTR { write(fd, buffer.baseAddress! + written, buffer.count - written) }
            }
            switch result {
            case .success(let n) where n > 0: written += n
            case .success: throw FleetError(.fileSystem, detail: "cannot write \(path): the write made no progress")
            case .failure(let error): throw FleetError(.fileSystem, detail: "cannot write \(path): \(error)", errno: error.rawValue)
            }
        }
    }
}
