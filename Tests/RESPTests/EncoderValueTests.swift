import RESP
import Testing

@Suite("RESPEncoder values")
struct EncoderValueTests {
    private func wire(_ value: RESPValue) -> String {
        String(decoding: encoded(value), as: UTF8.self)
    }

    @Test func resp2Kinds() {
        #expect(wire(.simpleString("OK")) == "+OK\r\n")
        #expect(wire(.simpleError("ERR no")) == "-ERR no\r\n")
        #expect(wire(.integer(-42)) == ":-42\r\n")
        #expect(wire(.integer(.min)) == ":-9223372036854775808\r\n")
        #expect(wire(.bulkString(Array(wire: "a\r\nb"))) == "$4\r\na\r\nb\r\n")
        #expect(wire(.bulkString(nil)) == "$-1\r\n")
        #expect(wire(.array(nil)) == "*-1\r\n")
        #expect(wire(.array([.integer(1), .bulkString([])])) == "*2\r\n:1\r\n$0\r\n\r\n")
    }

    @Test func resp3Kinds() {
        #expect(wire(.null) == "_\r\n")
        #expect(wire(.boolean(true)) == "#t\r\n")
        #expect(wire(.boolean(false)) == "#f\r\n")
        #expect(wire(.bigNumber("-12345678901234567890")) == "(-12345678901234567890\r\n")
        #expect(wire(.bulkError(Array(wire: "SYNTAX x"))) == "!8\r\nSYNTAX x\r\n")
        #expect(wire(.verbatimString(format: "txt", text: Array(wire: "hi"))) == "=6\r\ntxt:hi\r\n")
        #expect(wire(.map([RESPPair(key: .simpleString("a"), value: .integer(1))])) == "%1\r\n+a\r\n:1\r\n")
        #expect(wire(.set([.boolean(true)])) == "~1\r\n#t\r\n")
        #expect(wire(.push([.simpleString("message")])) == ">1\r\n+message\r\n")
        #expect(wire(.attribute([RESPPair(key: .simpleString("ttl"), value: .integer(3))], .integer(7)))
            == "|1\r\n+ttl\r\n:3\r\n:7\r\n")
    }

    @Test func doubles() {
        #expect(wire(.double(1.5)) == ",1.5\r\n")
        #expect(wire(.double(-0.25)) == ",-0.25\r\n")
        #expect(wire(.double(.infinity)) == ",inf\r\n")
        #expect(wire(.double(-.infinity)) == ",-inf\r\n")
        #expect(wire(.double(.nan)) == ",nan\r\n")
        #expect(wire(.double(1e300)) == ",1e+300\r\n")
    }

    /// Redis itself turns newlines in an error message into spaces; a raw CR or LF would
    /// end the line early and desynchronise every reply after it.
    @Test func lineBreaksInLinesBecomeSpaces() {
        #expect(wire(.simpleString("a\r\nb")) == "+a  b\r\n")
        #expect(wire(.simpleError("ERR\nx")) == "-ERR x\r\n")
    }

    @Test func verbatimFormatIsExactlyThreeBytes() {
        #expect(wire(.verbatimString(format: "markdown", text: [])) == "=4\r\nmar:\r\n")
        #expect(wire(.verbatimString(format: "t", text: [])) == "=4\r\nt  :\r\n")
    }
}
