import TestSupport
import Foundation
import RESP
import RedisConnection
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A one-shot loopback peer that answers the first bytes it receives with scripted bytes and hangs up.
///
/// Not a Redis stand-in: it exists because no real server sends malformed RESP, and the clients' answer
/// to malformed bytes is part of their contract.
final class ScriptedPeer: Sendable {
    let port: Int
    private let listener: Int32

    init(reply: [UInt8]) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 4) == 0 else { throw POSIXError(.EADDRINUSE) }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread {
            let client = accept(fd, nil, nil)
            guard client >= 0 else { return }
            var buffer = [UInt8](repeating: 0, count: 4096)
            _ = read(client, &buffer, buffer.count)
            _ = reply.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            usleep(50_000)
            close(client)
        }
    }

    deinit { close(listener) }
}

@Suite("Malformed peers")
struct MalformedPeerTests {
    @Test("bytes that are not RESP fail the connection with a protocol error", arguments: allClients)
    func garbage(client: RedisClientKind) async throws {
        let peer = try ScriptedPeer(reply: Array("?this is not resp\r\n".utf8))
        let conn = try await connector(client).connect(to: .tcp(host: "127.0.0.1", port: peer.port))
        let reply = await withCheckedContinuation { c in conn.send(["PING"]) { c.resume(returning: $0) } }
        #expect(reply.errorCode == .protocolError)
        conn.close()
    }

    @Test("a peer that hangs up mid-reply is reported as closed mid-reply", arguments: allClients)
    func midReply(client: RedisClientKind) async throws {
        let peer = try ScriptedPeer(reply: Array("$10\r\nabc".utf8))
        let conn = try await connector(client).connect(to: .tcp(host: "127.0.0.1", port: peer.port))
        let reply = await withCheckedContinuation { c in conn.send(["GET", "k"]) { c.resume(returning: $0) } }
        #expect(reply.errorCode == .closedMidReply)
        conn.close()
    }
}
