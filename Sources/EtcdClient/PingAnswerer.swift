import NIOCore

/// Answers the server's HTTP/2 PING frames itself, in front of NIO's HTTP/2 handler, which never sees them.
///
/// etcd's gRPC server (grpc-go) estimates bandwidth by sending a PING each time data arrives while no
/// such PING is outstanding: about one per request under steady load. swift-nio-http2 counts inbound
/// PINGs against a denial-of-service limit of 200 per 30 s, which grpc-swift-nio-transport offers no way
/// to raise, and closes the connection with ENHANCE_YOUR_CALM when it is passed. Measured at 10
/// contenders on one key, that killed the connection 14 times in 5 s and failed every call in flight on
/// it: errors that were the client's, not etcd's. Acknowledging a PING is all HTTP/2 asks of its receiver.
///
/// Plaintext only: behind TLS the bytes here would be ciphertext.
final class PingAnswerer: ChannelInboundHandler, @unchecked Sendable {
    // @unchecked: used on its channel's event loop only, as every NIO handler.
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private static let headerLength = 9
    private static let pingType: UInt8 = 0x6
    private static let ackFlag: UInt8 = 0x1
    private static let pingPayloadLength = 8

    /// Bytes not yet passed on or answered: at most a partial frame header, or a partial PING.
    private var held: ByteBuffer?
    /// Bytes of the current frame's payload still to pass on unread.
    private var payloadLeft = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var input = unwrapInboundIn(data)
        if var earlier = held {
            earlier.writeBuffer(&input)
            input = earlier
            held = nil
        }
        var output = context.channel.allocator.buffer(capacity: input.readableBytes)
        while input.readableBytes > 0 {
            if payloadLeft > 0 {
                let count = min(payloadLeft, input.readableBytes)
                var slice = input.readSlice(length: count)!
                output.writeBuffer(&slice)
                payloadLeft -= count
                continue
            }
            guard input.readableBytes >= Self.headerLength,
                  let length = input.getInteger(at: input.readerIndex, as: UInt32.self).map({ Int($0 >> 8) }),
                  let type = input.getInteger(at: input.readerIndex + 3, as: UInt8.self),
                  let flags = input.getInteger(at: input.readerIndex + 4, as: UInt8.self)
            else { break }
            if type == Self.pingType, flags & Self.ackFlag == 0, length == Self.pingPayloadLength {
                guard input.readableBytes >= Self.headerLength + length else { break }
                input.moveReaderIndex(forwardBy: Self.headerLength)
                var ack = context.channel.allocator.buffer(capacity: Self.headerLength + length)
                ack.writeInteger(UInt32(length) << 8 | UInt32(Self.pingType))
                ack.writeInteger(Self.ackFlag)
                ack.writeInteger(UInt32(0))
                var opaque = input.readSlice(length: length)!
                ack.writeBuffer(&opaque)
                context.writeAndFlush(NIOAny(ack), promise: nil)
                continue
            }
            var header = input.readSlice(length: Self.headerLength)!
            output.writeBuffer(&header)
            payloadLeft = length
        }
        if input.readableBytes > 0 { held = input }
        if output.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(output)) }
    }
}
