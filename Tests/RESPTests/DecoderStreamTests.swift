@testable import RESP
import Testing

@Suite("RESPDecoder streams")
struct DecoderStreamTests {
    private static func bigBulk(seed: UInt64, count: Int) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    @Test func severalMegabyteBulkIn1KBChunks() {
        let payload = Self.bigBulk(seed: 1, count: 5 << 20)
        let wire = encoded(.bulkString(payload)) + Array(wire: "+OK\r\n")
        let outcome = decode(wire, pieces: Array(repeating: 1024, count: wire.count / 1024))
        #expect(outcome.error == nil)
        #expect(outcome.values.count == 2)
        #expect(outcome.values.first == .bulkString(payload))
        #expect(outcome.values.last == .simpleString("OK"))
    }

    @Test func severalMegabyteBulkInRandomChunks() {
        let seed: UInt64 = 0xB16B_0B5
        var rng = SplitMix64(seed: seed)
        let payload = Self.bigBulk(seed: 2, count: 3 << 20)
        let wire = encoded(.array([.bulkString(payload), .integer(1), .bulkString(payload)]))
        let outcome = decodeRandomly(wire, using: &rng, maxPiece: 70_000)
        #expect(outcome.values == [.array([.bulkString(payload), .integer(1), .bulkString(payload)])], "seed \(seed)")
    }

    @Test func bigArrayInSmallChunks() {
        let items = (0..<50_000).map { RESPValue.integer(Int64($0)) }
        let wire = encoded(.array(items))
        let outcome = decode(wire, pieces: Array(repeating: 7, count: wire.count / 7))
        #expect(outcome.values == [.array(items)])
    }

    @Test func midValueTracksUnfinishedReplies() throws {
        var decoder = RESPDecoder()
        #expect(!decoder.isMidValue)
        decoder.feed(Array(wire: "+OK\r\n+O"))
        #expect(try decoder.next() == .simpleString("OK"))
        #expect(try decoder.next() == nil)
        #expect(decoder.isMidValue)
        #expect(decoder.bufferedByteCount == 2)
        decoder.feed(Array(wire: "K\r\n"))
        #expect(try decoder.next() == .simpleString("OK"))
        #expect(!decoder.isMidValue)
        #expect(decoder.bufferedByteCount == 0)

        // Headers of an unfinished aggregate are consumed, yet the reply is unfinished.
        decoder.feed(Array(wire: "*2\r\n:1\r\n"))
        #expect(try decoder.next() == nil)
        #expect(decoder.isMidValue)
        #expect(decoder.bufferedByteCount == 0)
        decoder.feed(Array(wire: ":2\r\n$5\r\nab"))
        #expect(try decoder.next() == .array([.integer(1), .integer(2)]))
        #expect(try decoder.next() == nil)
        #expect(decoder.isMidValue)
        decoder.feed(Array(wire: "cde\r\n"))
        #expect(try decoder.next() == .bulkString(Array(wire: "abcde")))
        #expect(!decoder.isMidValue)
    }

    @Test func rawBufferFeedMatchesArrayFeed() throws {
        var decoder = RESPDecoder()
        let wire = Array(wire: "$3\r\nfoo\r\n:5\r\n")
        wire.withUnsafeBytes { decoder.feed($0) }
        #expect(try decoder.next() == .bulkString(Array(wire: "foo")))
        #expect(try decoder.next() == .integer(5))
        #expect(try decoder.next() == nil)
    }

    @Test func anySequenceFeeds() throws {
        var decoder = RESPDecoder()
        decoder.feed("+OK\r\n".utf8)
        decoder.feed(AnySequence(Array(wire: ":1\r\n")))
        decoder.feed(Array(wire: "$2\r\nhi\r\n").lazy.map { $0 })
        #expect(try decoder.next() == .simpleString("OK"))
        #expect(try decoder.next() == .integer(1))
        #expect(try decoder.next() == .bulkString(Array(wire: "hi")))
        #expect(try decoder.next() == nil)
    }

    /// A long-lived connection never drains its buffer exactly when a read ends mid-reply,
    /// so consumed bytes must still be dropped, or the buffer grows for the connection's life.
    @Test func bufferStaysBoundedOnALongStream() throws {
        let reply = Array(wire: "$32\r\n0123456789abcdef0123456789abcdef\r\n")
        let stream = Array((0..<2_000).map { _ in reply }.joined())
        var decoder = RESPDecoder()
        var seen = 0
        var offset = 0
        for _ in 0..<100 {
            // 1000-byte reads: never aligned with the 39-byte replies.
            var index = 0
            while index < stream.count {
                let end = min(stream.count, index + 1000)
                decoder.feed(stream[index..<end])
                index = end
                while try decoder.next() != nil { seen += 1 }
                #expect(decoder.storage.capacity < 1 << 16)
            }
            offset += stream.count
        }
        #expect(seen == 200_000)
        // Offsets stay absolute across compactions.
        decoder.feed(Array(wire: "?"))
        #expect(throws: RESPDecodeError(.invalidTypeByte, offset: offset, message: "unexpected type byte 0x3F ('?')")) {
            try decoder.next()
        }
    }

    @Test func longLineArrivingByteByByteIsScannedOnce() throws {
        // Not a timing assertion: the scan position must survive feeds, which is what keeps it linear.
        var decoder = RESPDecoder()
        decoder.feed(Array(wire: "+"))
        for _ in 0..<10_000 {
            decoder.feed(CollectionOfOne(UInt8(ascii: "x")))
            #expect(try decoder.next() == nil)
        }
        #expect(decoder.lineScanned == 10_000)
        decoder.feed(Array(wire: "\r\n"))
        #expect(try decoder.next() == .simpleString(String(repeating: "x", count: 10_000)))
    }
}
