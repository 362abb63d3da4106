import TestSupport
import RESP
import RedisConnection
import RedisFleet
import Testing

/// AUTH with a password (requirepass) and with an ACL user; failures are typed, not hangs.
@Suite("Authentication and database selection")
struct AuthTests {
    static let password = "s3cret-\(UInt32.random(in: 0...UInt32.max))"

    @Test("requirepass: right password connects, wrong one fails, none gets NOAUTH", arguments: allClients)
    func requirepass(client: RedisClientKind) async throws {
        var options = RedisServerOptions()
        options.password = Self.password
        try await withFleet(options: options) { fleet in
            let endpoint = fleet.endpoints[0]
            let good = try await connector(client).connect(
                to: endpoint, options: ConnectionOptions(credentials: Credentials(password: Self.password)))
            #expect(try await good.send(["PING"]) == .simpleString("PONG"))
            good.close()

            await #expect(throws: RedisError(.authenticationFailed, endpoint: endpoint.description)) {
                _ = try await connector(client).connect(
                    to: endpoint, options: ConnectionOptions(credentials: Credentials(password: "wrong")))
            }

            let anonymous = try await connector(client).connect(to: endpoint)
            let reply = try await anonymous.send(["GET", "x"])
            #expect(reply.errorMessage?.hasPrefix("NOAUTH") == true)
            anonymous.close()
        }
    }

    @Test("ACL user: user + password connects, wrong password fails", arguments: allClients)
    func aclUser(client: RedisClientKind) async throws {
        var options = RedisServerOptions()
        options.aclUsers = [ACLUser(name: "locker", password: Self.password, rules: "~* +@all")]
        try await withFleet(options: options) { fleet in
            let endpoint = fleet.endpoints[0]
            let good = try await connector(client).connect(
                to: endpoint, options: ConnectionOptions(credentials: Credentials(username: "locker", password: Self.password)))
            #expect(try await good.send(["ACL", "WHOAMI"]) == .bulk("locker"))
            good.close()
            await #expect(throws: RedisError(.authenticationFailed, endpoint: endpoint.description)) {
                _ = try await connector(client).connect(
                    to: endpoint, options: ConnectionOptions(credentials: Credentials(username: "locker", password: "nope")))
            }
        }
    }

    @Test("SELECT db keeps keys apart from db 0", arguments: allClients)
    func selectDatabase(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            let key = uniquePrefix() + "db"
            let db3 = try await connector(client).connect(to: fleet.endpoints[0], options: ConnectionOptions(database: 3))
            let db0 = try await connector(client).connect(to: fleet.endpoints[0])
            defer { db3.close(); db0.close() }
            _ = try await db3.send(["SET", .string(key), "in3"])
            #expect(try await db3.send(["GET", .string(key)]) == .bulk("in3"))
            #expect(try await db0.send(["GET", .string(key)]) == .bulkString(nil))
            _ = try await db3.send(["DEL", .string(key)])

            await #expect(throws: RedisError(.handshakeFailed, endpoint: fleet.endpoints[0].description)) {
                _ = try await connector(client).connect(to: fleet.endpoints[0], options: ConnectionOptions(database: 9999))
            }
        }
    }
}
