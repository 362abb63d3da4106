import RESP
import Testing

@Suite("RESPEncoder commands")
struct EncoderCommandTests {
    private func wire(_ args: [RedisArgument]) -> String {
        String(decoding: RESPEncoder.encodeCommand(args), as: UTF8.self)
    }

    @Test func stringArguments() {
        #expect(wire(["SET", "lock:a", "token"]) == "*3\r\n$3\r\nSET\r\n$6\r\nlock:a\r\n$5\r\ntoken\r\n")
    }

    @Test func emptyStringAndEmptyCommand() {
        #expect(wire(["GET", ""]) == "*2\r\n$3\r\nGET\r\n$0\r\n\r\n")
        #expect(wire([]) == "*0\r\n")
    }

    @Test func multiByteUTF8CountsBytesNotCharacters() {
        #expect(RESPEncoder.encodeCommand([.string("é🔒")]) == Array(wire: "*1\r\n$6\r\n") + Array("é🔒".utf8) + Array(wire: "\r\n"))
    }

    @Test func bytesCarryCRLFAndNUL() {
        let payload: [UInt8] = [0x0D, 0x0A, 0x00, 0xFF, 0x0D]
        #expect(RESPEncoder.encodeCommand([.bytes(payload)]) == Array(wire: "*1\r\n$5\r\n") + payload + Array(wire: "\r\n"))
        #expect(wire([.bytes([])]) == "*1\r\n$0\r\n\r\n")
    }

    @Test(arguments: [
        (Int64(0), "0"), (7, "7"), (10, "10"), (-1, "-1"), (-10, "-10"), (30000, "30000"),
        (Int64.max, "9223372036854775807"), (Int64.min, "-9223372036854775808"),
    ])
    func integerArguments(value: Int64, text: String) {
        #expect(wire(["PX", .integer(value)]) == "*2\r\n$2\r\nPX\r\n$\(text.utf8.count)\r\n\(text)\r\n")
    }

    /// Arguments larger than the encoder's internal growth step still land byte for byte.
    @Test func largeArguments() {
        let payload = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let text = String(repeating: "é", count: 1500)
        var encoder = RESPEncoder(capacity: 8)
        encoder.appendCommand("+", .bytes(payload), .string(text))
        let expected = Array(wire: "*3\r\n$1\r\n+\r\n$5000\r\n") + payload + Array(wire: "\r\n$3000\r\n") + Array(text.utf8) + Array(wire: "\r\n")
        #expect(encoder.bytes == expected)
    }

    @Test func variadicMatchesArray() {
        var a = RESPEncoder()
        a.appendCommand("SET", "k", "v", "NX", "PX", 30000)
        var b = RESPEncoder()
        b.appendCommand(["SET", "k", "v", "NX", "PX", .integer(30000)])
        #expect(a.bytes == b.bytes)
    }

    @Test func batchAppendsBackToBack() {
        var encoder = RESPEncoder()
        encoder.appendCommand("GET", "a")
        encoder.appendCommand("DEL", "a")
        #expect(String(decoding: encoder.bytes, as: UTF8.self) == "*2\r\n$3\r\nGET\r\n$1\r\na\r\n*2\r\n$3\r\nDEL\r\n$1\r\na\r\n")
    }

    @Test func resetEmptiesButKeepsCapacity() {
        var encoder = RESPEncoder(capacity: 16)
        encoder.appendCommand("SET", .string(String(repeating: "x", count: 5000)), "v")
        let grown = encoder.bytes.capacity
        encoder.reset()
        #expect(encoder.bytes.isEmpty)
        #expect(encoder.bytes.capacity >= grown)
        encoder.appendCommand("PING")
        #expect(String(decoding: encoder.bytes, as: UTF8.self) == "*1\r\n$4\r\nPING\r\n")
    }
}

@Suite("RESPEncoder piecewise commands")
struct EncoderPiecewiseTests {
    /// The measured path builds commands piece by piece; the bytes must be exactly `appendCommand`'s.
    @Test(arguments: [
        [RedisArgument]([]), ["PING"], ["SET", "lock:a", "0123456789abcdef0123456789abcdef", "NX", "PX", .integer(30000)],
        ["EVALSHA", "e9f69f2beb755be68b5e456ee2ce9aadfbc4ebf4", .integer(1), "k", ""], [.string("é🔒"), .integer(-42), .integer(Int64.min)],
    ])
    func sameBytesAsWholeCommand(args: [RedisArgument]) {
        var piecewise = RESPEncoder(capacity: 8)
        piecewise.appendArrayHeader(args.count)
        for arg in args {
            switch arg {
            case .string(let s): piecewise.appendArgument(s)
            case .integer(let i): piecewise.appendArgument(i)
            case .bytes(let b): b.withUnsafeBytes { piecewise.appendArgument(bytes: $0) }
            }
        }
        #expect(piecewise.bytes == RESPEncoder.encodeCommand(args))
        var raw = RESPEncoder(capacity: 8)
        raw.appendRaw(piecewise.bytes)
        #expect(raw.bytes == piecewise.bytes)
    }
}
