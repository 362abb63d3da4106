import NIOCore
import NIOEmbedded
import Testing
@testable import EtcdClient

/// The server's PINGs are acknowledged before NIO's HTTP/2 handler can count them; every other frame
/// passes on byte for byte, however the reads cut it.
@Suite struct PingAnswererTests {
    static func frame(type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8]) -> [UInt8] {
        let length = UInt32(payload.count)
        return [UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff), type, flags,
                UInt8(stream >> 24 & 0x7f), UInt8(stream >> 16 & 0xff), UInt8(stream >> 8 & 0xff), UInt8(stream & 0xff)] + payload
    }

    @Test("PINGs are answered and dropped, PING ACKs and other frames pass, at every cut of the reads", arguments: [1, 2, 5, 9, 17, 1000])
    func answersPings(chunk: Int) throws {
        let settings = Self.frame(type: 0x4, flags: 0, stream: 0, payload: [0, 3, 0, 0, 0, 100])
        let ping = Self.frame(type: 0x6, flags: 0, stream: 0, payload: [1, 2, 3, 4, 5, 6, 7, 8])
        let pingAck = Self.frame(type: 0x6, flags: 0x1, stream: 0, payload: [8, 7, 6, 5, 4, 3, 2, 1])
        // A DATA payload holding PING-looking bytes: payload is never parsed as a header.
        let data = Self.frame(type: 0x0, flags: 0x1, stream: 1, payload: ping + [0xAB])
        let ping2 = Self.frame(type: 0x6, flags: 0, stream: 0, payload: [9, 9, 9, 9, 9, 9, 9, 9])
        let stream = settings + ping + data + pingAck + ping2
        let channel = EmbeddedChannel(handler: PingAnswerer())
        var index = 0
        while index < stream.count {
            let end = min(index + chunk, stream.count)
            try channel.writeInbound(channel.allocator.buffer(bytes: stream[index..<end]))
            index = end
        }
        var passed: [UInt8] = []
        while let buffer = try channel.readInbound(as: ByteBuffer.self) { passed += Array(buffer.readableBytesView) }
        #expect(passed == settings + data + pingAck)
        var written: [UInt8] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { written += Array(buffer.readableBytesView) }
        #expect(written == Self.frame(type: 0x6, flags: 0x1, stream: 0, payload: [1, 2, 3, 4, 5, 6, 7, 8])
            + Self.frame(type: 0x6, flags: 0x1, stream: 0, payload: [9, 9, 9, 9, 9, 9, 9, 9]))
        _ = try channel.finish()
    }
}
