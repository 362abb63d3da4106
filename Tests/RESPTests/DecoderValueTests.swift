import RESP
import Testing

/// One wire form and the value it must decode to.
struct WireCase: Sendable, CustomTestStringConvertible {
    var wire: [UInt8]
    var value: RESPValue
    init(_ text: String, _ value: RESPValue) {
        wire = Array(text.utf8)
        self.value = value
    }
    var testDescription: String { String(reflecting: String(decoding: wire, as: UTF8.self)) }
}

private func pair(_ key: RESPValue, _ value: RESPValue) -> RESPPair { RESPPair(key: key, value: value) }
private func bulk(_ text: String) -> RESPValue { .bulkString(Array(text.utf8)) }

let resp2Cases: [WireCase] = [
    WireCase("+OK\r\n", .simpleString("OK")),
    WireCase("+\r\n", .simpleString("")),
    WireCase("+caf\u{E9} \u{1F512}\r\n", .simpleString("caf\u{E9} \u{1F512}")),
    WireCase("-ERR unknown command 'x'\r\n", .simpleError("ERR unknown command 'x'")),
    WireCase("-NOSCRIPT No matching script\r\n", .simpleError("NOSCRIPT No matching script")),
    WireCase(":0\r\n", .integer(0)),
    WireCase(":1\r\n", .integer(1)),
    WireCase(":-1\r\n", .integer(-1)),
    WireCase(":-0\r\n", .integer(0)),
    WireCase(":007\r\n", .integer(7)),
    WireCase(":9223372036854775807\r\n", .integer(.max)),
    WireCase(":-9223372036854775808\r\n", .integer(.min)),
    WireCase("$3\r\nfoo\r\n", bulk("foo")),
    WireCase("$0\r\n\r\n", .bulkString([])),
    WireCase("$-1\r\n", .bulkString(nil)),
    WireCase("$6\r\n\r\n\r\n\r\n\r\n", bulk("\r\n\r\n\r\n")),
    WireCase("$32\r\n0123456789abcdef0123456789abcdef\r\n", bulk("0123456789abcdef0123456789abcdef")),
    WireCase("*-1\r\n", .array(nil)),
    WireCase("*0\r\n", .array([])),
    WireCase("*2\r\n$3\r\nfoo\r\n:1\r\n", .array([bulk("foo"), .integer(1)])),
    WireCase("*3\r\n$-1\r\n*-1\r\n*0\r\n", .array([.bulkString(nil), .array(nil), .array([])])),
    WireCase("*2\r\n*2\r\n+a\r\n*1\r\n:1\r\n-ERR x\r\n", .array([.array([.simpleString("a"), .array([.integer(1)])]), .simpleError("ERR x")])),
    WireCase("*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n", .array([bulk("message"), bulk("ch"), bulk("hello")])),
]

let resp3Cases: [WireCase] = [
    WireCase("_\r\n", .null),
    WireCase("#t\r\n", .boolean(true)),
    WireCase("#f\r\n", .boolean(false)),
    WireCase(",3.14\r\n", .double(3.14)),
    WireCase(",10\r\n", .double(10)),
    WireCase(",-0.5E+3\r\n", .double(-500)),
    WireCase(",1e-5\r\n", .double(1e-5)),
    WireCase(",+2.\r\n", .double(2)),
    WireCase(",.5\r\n", .double(0.5)),
    WireCase(",inf\r\n", .double(.infinity)),
    WireCase(",-inf\r\n", .double(-.infinity)),
    WireCase(",1.7976931348623157e+308\r\n", .double(.greatestFiniteMagnitude)),
    WireCase("(3492890328409238509324850943850943825024385\r\n", .bigNumber("3492890328409238509324850943850943825024385")),
    WireCase("(-1\r\n", .bigNumber("-1")),
    WireCase("!21\r\nSYNTAX invalid syntax\r\n", .bulkError(Array("SYNTAX invalid syntax".utf8))),
    WireCase("!0\r\n\r\n", .bulkError([])),
    WireCase("=15\r\ntxt:Some string\r\n", .verbatimString(format: "txt", text: Array("Some string".utf8))),
    WireCase("=4\r\nmkd:\r\n", .verbatimString(format: "mkd", text: [])),
    WireCase("%0\r\n", .map([])),
    WireCase("%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n",
             .map([pair(.simpleString("first"), .integer(1)), pair(.simpleString("second"), .integer(2))])),
    WireCase("%2\r\n+k\r\n:1\r\n+k\r\n:2\r\n", .map([pair(.simpleString("k"), .integer(1)), pair(.simpleString("k"), .integer(2))])),
    WireCase("~0\r\n", .set([])),
    WireCase("~3\r\n+a\r\n:1\r\n#f\r\n", .set([.simpleString("a"), .integer(1), .boolean(false)])),
    WireCase(">0\r\n", .push([])),
    WireCase(">3\r\n+message\r\n+ch\r\n$2\r\nhi\r\n", .push([.simpleString("message"), .simpleString("ch"), bulk("hi")])),
    WireCase("|0\r\n+x\r\n", .attribute([], .simpleString("x"))),
    // The example from the RESP3 specification.
    WireCase("|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n*2\r\n:2039123\r\n:9543892\r\n",
             .attribute([pair(.simpleString("key-popularity"),
                              .map([pair(bulk("a"), .double(0.1923)), pair(bulk("b"), .double(0.0012))]))],
                        .array([.integer(2_039_123), .integer(9_543_892)]))),
    WireCase("*2\r\n|1\r\n+ttl\r\n:3600\r\n+a\r\n:1\r\n",
             .array([.attribute([pair(.simpleString("ttl"), .integer(3600))], .simpleString("a")), .integer(1)])),
    WireCase("|1\r\n+a\r\n+b\r\n|0\r\n%1\r\n~1\r\n_\r\n>0\r\n",
             .attribute([pair(.simpleString("a"), .simpleString("b"))],
                        .attribute([], .map([pair(.set([.null]), .push([]))])))),
]

@Suite("RESPDecoder values")
struct DecoderValueTests {
    @Test("RESP2 at every split", arguments: resp2Cases)
    func resp2(_ c: WireCase) {
        expectDecodes(c)
    }

    @Test("RESP3 at every split", arguments: resp3Cases)
    func resp3(_ c: WireCase) {
        expectDecodes(c)
    }

    private func expectDecodes(_ c: WireCase) {
        var mismatch: String?
        let outcome = outcomeAtEverySplit(c.wire, mismatch: &mismatch)
        #expect(mismatch == nil)
        #expect(outcome.values == [c.value])
        #expect(outcome.error == nil)
        #expect(!outcome.midValue)
    }

    @Test func nanDecodes() throws {
        for text in [",nan\r\n", ",-nan\r\n"] {
            let outcome = decodeBytewise(Array(text.utf8))
            guard case .double(let d)? = outcome.values.first else {
                Issue.record("\(text) gave \(outcome)")
                continue
            }
            #expect(d.isNaN)
        }
    }

    @Test func allCasesInOneBuffer() {
        let cases = resp2Cases + resp3Cases
        let stream = cases.flatMap(\.wire)
        let expected = cases.map(\.value)
        #expect(decodeWhole(stream).values == expected)
        #expect(decodeBytewise(stream).values == expected)
        var rng = SplitMix64(seed: 0x5EED_0001)
        for _ in 0..<20 {
            #expect(decodeRandomly(stream, using: &rng, maxPiece: 64).values == expected)
        }
    }
}
