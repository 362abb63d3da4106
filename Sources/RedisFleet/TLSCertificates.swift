import Foundation
import POSIX
import RedisConnection
#if canImport(Glibc)
import Glibc
#endif

/// A private CA made for one run, a server certificate it signed (SAN `127.0.0.1` and `localhost`;
/// good for client auth too, since a replica, a Sentinel or a cluster peer presents it when it dials
/// another node) and a client certificate it signed: PEM files, keys mode 0600, unencrypted (they live only as long
/// as the temp directory they were made in).
public struct TLSCertificates: Sendable, Hashable {
    public var caCertificate: String
    public var caKey: String
    public var serverCertificate: String
    public var serverKey: String
    public var clientCertificate: String
    public var clientKey: String

    /// What a client of these servers gives: the CA to trust and the client certificate to present.
    public var clientOptions: TLSOptions {
        TLSOptions(caFile: caCertificate, certFile: clientCertificate, keyFile: clientKey)
    }

    /// Makes the CA and both certificates in `directory` (which must exist) with the `openssl` CLI.
    /// EC P-256 keys: they take milliseconds to make, where RSA keys take a noticeable share of a test.
    public static func generate(in directory: String) async throws(FleetError) -> TLSCertificates {
        let made = TLSCertificates(
            caCertificate: "\(directory)/ca.crt", caKey: "\(directory)/ca.key",
            serverCertificate: "\(directory)/server.crt", serverKey: "\(directory)/server.key",
            clientCertificate: "\(directory)/client.crt", clientKey: "\(directory)/client.key")
        // `-config /dev/null`: the host's openssl.cnf may add extensions (or be missing); every
        // extension these certificates need is given here.
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-config", "/dev/null"]
        try await run(["req", "-x509"] + key + [
            "-keyout", made.caKey, "-out", made.caCertificate, "-subj", "/CN=lockbench run CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ], in: directory)
        let signed = ["req", "-x509", "-CA", made.caCertificate, "-CAkey", made.caKey] + key
        try await run(signed + [
            "-keyout", made.serverKey, "-out", made.serverCertificate, "-subj", "/CN=localhost",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-addext", "basicConstraints=CA:FALSE",
            "-addext", "extendedKeyUsage=serverAuth,clientAuth",
        ], in: directory)
        try await run(signed + [
            "-keyout", made.clientKey, "-out", made.clientCertificate, "-subj", "/CN=lockbench client",
            "-addext", "basicConstraints=CA:FALSE", "-addext", "extendedKeyUsage=clientAuth",
        ], in: directory)
        for key in [made.caKey, made.serverKey, made.clientKey] { _ = chmod(key, 0o600) }
        return made
    }

    /// Runs `openssl arguments`, its output appended to `openssl.log` in `directory` for the error.
    private static func run(_ arguments: [String], in directory: String) async throws(FleetError) {
        let hint = "Install the openssl command (apt package openssl), or run without --tls."
        guard let openssl = ExecutableSearch.find("openssl") else {
            throw FleetError(.tls, detail: "openssl not found on PATH: it makes the run's TLS certificates", hint: hint)
        }
        let log = "\(directory)/openssl.log"
        var request = ProcessSpawn(executable: openssl, arguments: ["openssl"] + arguments, environment: ProcessSpawn.pathOnlyEnvironment())
        request.stdout = .appendFile(log)
        request.ownProcessGroup = true
        let pid: pid_t
        switch await SpawnerThread.shared.perform({ [request] in ChildRegistry.spawn(request) }) {
        case .success(let spawned): pid = spawned
        case .failure(let failure):
            throw FleetError(.tls, detail: "cannot run \(openssl): \(failure)", hint: hint, errno: failure.errno.rawValue)
        }
        let deadline = MonotonicClock.nanos() + 30_000_000_000
        while true {
            switch ChildRegistry.reap(pid, blocking: false) {
            case .running:
                guard MonotonicClock.nanos() < deadline else {
                    ChildRegistry.killAndReap(pid)
                    throw FleetError(.tls, detail: "openssl \(arguments[0]) did not finish within 30 s (killed)")
                }
                try? await Task.sleep(nanoseconds: 5_000_000)
            case .exited(let status) where status.exitCode == 0:
                return
            case .exited(let status):
                let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                throw FleetError(.tls, detail: "openssl \(arguments.prefix(2).joined(separator: " ")) failed (\(status)) making a run certificate",
                                 hint: "This needs OpenSSL 3 (for 'req -x509 -CA'); its output is below", logTail: output)
            case .notOurs:
                throw FleetError(.tls, detail: "openssl was killed while making a run certificate")
            }
        }
    }
}
