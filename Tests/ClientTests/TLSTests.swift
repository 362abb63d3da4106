import Foundation
import RESP
import RedisConnection
import RedisFleet
import TestSupport
import Testing

/// The native client over TLS against real redis-servers serving certificates made for the test; the
/// failures a TLS deployment meets (unknown CA, wrong name, wrong kind of port) end in a clear error,
/// never a hang.
@Suite("TLS")
struct TLSTests {
    static func tlsFleet(_ clients: ServerTLS.ClientCertificates = .optional, _ body: (RedisFleet, TLSCertificates) async throws -> Void) async throws {
        try await withFleet(options: RedisServerOptions(tls: ServerTLS(clientCertificates: clients))) { fleet in
            let certificates = try #require(fleet.certificates)
            #expect(fleet.tlsEndpoints.count == 1)
            try await body(fleet, certificates)
        }
    }

    @Test("a good CA and a client certificate: AUTH, SELECT and a pipeline of large and small replies")
    func goodCertificate() async throws {
        var options = RedisServerOptions(tls: ServerTLS(clientCertificates: .required))
        options.password = "tls-\(UInt32.random(in: 0...UInt32.max))"
        try await withFleet(options: options) { fleet in
            let certificates = try #require(fleet.certificates)
            let connection = try await connector(.native).connect(
                to: fleet.tlsEndpoints[0],
                options: ConnectionOptions(credentials: Credentials(password: options.password!), database: 3, tls: certificates.clientOptions))
            defer { connection.close() }
            let prefix = uniquePrefix()
            // 200 KB spans many TLS records (16 KB each) both ways.
            let big = String(repeating: "x", count: 200_000)
            #expect(try await connection.send(["SET", .string(prefix + "big"), .string(big)]) == .simpleString("OK"))
            let replies = Collector<RESPValue?>()
            connection.send(batch: (0..<500).map { _ in ["INCR", .string(prefix + "n")] }) { _, reply in replies.append(try? reply.get()) }
            #expect(await replies.wait(for: 500))
            #expect(replies.items.compactMap { $0?.integer } == Array(1...500))
            #expect(try await connection.send(["GET", .string(prefix + "big")]) == .bulk(big))
            #expect(try await connection.send(["CLIENT", "INFO"]).string?.contains("db=3") == true)
            _ = try await connection.send(["DEL", .string(prefix + "big"), .string(prefix + "n")])
        }
    }

    @Test("the server's IP by name, localhost by --tls-server-name, and insecure without a CA all connect")
    func names() async throws {
        try await Self.tlsFleet { fleet, certificates in
            var byName = certificates.clientOptions
            byName.serverName = "localhost"
            var insecure = TLSOptions(insecure: true)
            insecure.certFile = nil
            for tls in [certificates.clientOptions, byName, insecure] {
                let connection = try await connector(.native).connect(to: fleet.tlsEndpoints[0], options: ConnectionOptions(tls: tls))
                #expect(try await connection.send(["PING"]) == .simpleString("PONG"))
                connection.close()
            }
        }
    }

    @Test("an unknown CA fails the handshake and says to fix --cacert")
    func unknownCA() async throws {
        let other = FileManager.default.temporaryDirectory.appendingPathComponent("lockbench-other-ca-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: other) }
        let stranger = try await TLSCertificates.generate(in: other)
        try await Self.tlsFleet { fleet, _ in
            let error = await #expect(throws: RedisError.self) {
                _ = try await connector(.native).connect(to: fleet.tlsEndpoints[0], options: ConnectionOptions(tls: TLSOptions(caFile: stranger.caCertificate)))
            }
            #expect(error?.code == .tls)
            #expect(error?.description.contains("--cacert") == true)
            #expect(error?.detail.contains("certificate") == true)
        }
    }

    @Test("a certificate that does not carry the expected name fails and points at --tls-server-name")
    func nameMismatch() async throws {
        try await Self.tlsFleet { fleet, certificates in
            var tls = certificates.clientOptions
            tls.serverName = "redis.example.com"
            let error = await #expect(throws: RedisError.self) {
                _ = try await connector(.native).connect(to: fleet.tlsEndpoints[0], options: ConnectionOptions(tls: tls))
            }
            #expect(error?.code == .tls)
            #expect(error?.detail.contains("redis.example.com") == true)
            #expect(error?.detail.contains("--tls-server-name") == true)
        }
    }

    @Test("TLS against a plain port fails within the connect timeout, naming the plain port")
    func tlsToPlainPort() async throws {
        try await Self.tlsFleet { fleet, certificates in
            let error = await #expect(throws: RedisError.self) {
                _ = try await connector(.native).connect(
                    to: fleet.endpoints[0], options: ConnectionOptions(connectTimeoutMs: 1_000, tls: certificates.clientOptions))
            }
            #expect(error?.code == .tls)
            #expect(error?.detail.contains("plain") == true)
        }
    }

    @Test("plain RESP against a TLS port fails (the server drops it) on both clients", arguments: allClients)
    func plainToTLSPort(client: RedisClientKind) async throws {
        try await Self.tlsFleet { fleet, _ in
            let failure: RedisError? = await {
                do {
                    let connection = try await connector(client).connect(to: fleet.tlsEndpoints[0], options: ConnectionOptions(connectTimeoutMs: 1_000, commandTimeoutMs: 2_000))
                    defer { connection.close() }
                    _ = try await connection.send(["PING"])
                    return nil
                } catch let error as RedisError {
                    return error
                } catch {
                    return nil
                }
            }()
            let error = try #require(failure)
            #expect([RedisError.Code.connectionClosed, .connectionReset, .protocolError, .closedMidReply].contains(error.code))
        }
    }

    @Test("a server that requires client certificates refuses a client without one")
    func clientCertificateRequired() async throws {
        try await Self.tlsFleet(.required) { fleet, certificates in
            let error = await #expect(throws: RedisError.self) {
                let connection = try await connector(.native).connect(
                    to: fleet.tlsEndpoints[0], options: ConnectionOptions(tls: TLSOptions(caFile: certificates.caCertificate)))
                defer { connection.close() }
                // TLS 1.3: the server judges the client's certificate after the client's handshake is done.
                _ = try await connection.send(["PING"])
            }
            #expect(error?.code == .tls || error?.code == .connectionClosed || error?.code == .connectionReset)
            if error?.code == .tls { #expect(error?.detail.contains("--cert") == true, "\(String(describing: error))") }
        }
    }

    @Test("hiredis refuses TLS options with the reason and the fix")
    func hiredisRefuses() async throws {
        try await Self.tlsFleet { fleet, certificates in
            let error = await #expect(throws: RedisError.self) {
                _ = try await connector(.hiredis).connect(to: fleet.tlsEndpoints[0], options: ConnectionOptions(tls: certificates.clientOptions))
            }
            #expect(error?.code == .unsupported)
            #expect(error?.detail.contains("hiredis 1.0") == true)
            #expect(error?.detail.contains("--client native") == true)
        }
    }
}
