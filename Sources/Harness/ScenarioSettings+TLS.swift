import Foundation
import RedisConnection

extension ScenarioSettings {
    /// TLS settings a run cannot use are usage errors, caught before any server starts: a client
    /// without TLS, a Unix socket, a file that cannot be read, a key without its certificate, and
    /// verification settings that `--tls-insecure` would silently ignore.
    func checkTLS(client: RedisClientKind) throws(ScenarioSettingsError) {
        guard let tls else { return }
        if let refusal = client.tlsRefusal {
            throw ScenarioSettingsError("--client \(client) --tls: \(refusal).", flag: "client")
        }
        if unix {
            throw ScenarioSettingsError("--unix --tls: redis-server serves TLS on TCP only; drop --unix.", flag: "unix")
        }
        if servers.contains(where: { if case .unix = $0 { return true } else { return false } }) {
            throw ScenarioSettingsError("--server unix:… --tls: redis-server serves TLS on TCP only; give its host:port (its tls-port).", flag: "server")
        }
        let files: [(flag: String, path: String?, what: String)] = [
            ("cacert", tls.caFile, "the PEM certificate of the CA that signed the server's certificate"),
            ("cert", tls.certFile, "the client's PEM certificate"),
            ("key", tls.keyFile, "the client's PEM private key"),
        ]
        for (flag, path, what) in files {
            guard let path else { continue }
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw ScenarioSettingsError("--\(flag) \(path): the file does not exist or is not readable; point it at \(what).", flag: flag)
            }
        }
        if tls.keyFile != nil && tls.certFile == nil {
            throw ScenarioSettingsError("--key needs --cert: a key is only used with the certificate it belongs to.", flag: "key")
        }
        if tls.insecure && (tls.caFile != nil || tls.serverName != nil) {
            throw ScenarioSettingsError(
                "--tls-insecure skips certificate verification, so --cacert and --tls-server-name would be ignored: give one or the other.",
                flag: "tls-insecure")
        }
    }
}
