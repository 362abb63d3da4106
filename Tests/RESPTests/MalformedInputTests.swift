import RESP
import Testing

/// Bytes that must be rejected, with the code and the stream offset of the offending byte.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    var wire: [UInt8]
    var code: RESPDecodeError.Code
    var offset: Int
    var limits = RESPLimits()
    /// Values that precede the bad bytes.
    var valuesBefore = 0

    init(_ text: String, _ code: RESPDecodeError.Code, at offset: Int, limits: RESPLimits = .init(), valuesBefore: Int = 0) {
        wire = Array(text.utf8)
        self.code = code
        self.offset = offset
        self.limits = limits
        self.valuesBefore = valuesBefore
    }

    var testDescription: String { "\(code) at \(offset) in \(String(reflecting: String(decoding: wire.prefix(60), as: UTF8.self)))" }
}

private func nested(_ depth: Int) -> String { String(repeating: "*1\r\n", count: depth) + ":1\r\n" }

let malformedCases: [MalformedCase] = [
    MalformedCase("@foo\r\n", .invalidTypeByte, at: 0),
    MalformedCase("HTTP/1.1 400\r\n", .invalidTypeByte, at: 0),
    MalformedCase("+OK\r\n\r\n", .invalidTypeByte, at: 5, valuesBefore: 1),
    MalformedCase("*2\r\n:1\r\n?\r\n", .invalidTypeByte, at: 8),

    MalformedCase("$abc\r\n", .invalidLength, at: 1),
    MalformedCase("$12a\r\n", .invalidLength, at: 3),
    MalformedCase("$\r\n", .invalidLength, at: 1),
    MalformedCase("$-2\r\n", .invalidLength, at: 1),
    MalformedCase("$-0\r\n", .invalidLength, at: 1),
    MalformedCase("$-10\r\n", .invalidLength, at: 1),
    MalformedCase("$+5\r\n", .invalidLength, at: 1),
    MalformedCase("$ 5\r\n", .invalidLength, at: 1),
    MalformedCase("*-5\r\n", .invalidLength, at: 1),
    MalformedCase("%-1\r\n", .invalidLength, at: 1),
    MalformedCase("!-1\r\n", .invalidLength, at: 1),
    // Int.max has 19 digits; the 19th nine (offset 19) is the one that overflows.
    MalformedCase("$99999999999999999999\r\n", .invalidLength, at: 19),
    MalformedCase("*1\r\n$x\r\n", .invalidLength, at: 5),

    MalformedCase("$3\r\nfooXY", .missingCRLF, at: 7),
    MalformedCase("$3\r\nfoo\rX", .missingCRLF, at: 8),
    MalformedCase("$0\r\nab", .missingCRLF, at: 4),
    MalformedCase("+O\rK\r\n", .missingCRLF, at: 3),
    MalformedCase(":1\r\r\n", .missingCRLF, at: 3),
    MalformedCase("_x\r\n", .missingCRLF, at: 1),

    MalformedCase("$11\r\n", .bulkTooLong, at: 1, limits: RESPLimits(maxBulkLength: 10)),
    MalformedCase("!11\r\n", .bulkTooLong, at: 1, limits: RESPLimits(maxBulkLength: 10)),
    // Over the default 512 MiB, rejected from the header alone: nothing is reserved for it.
    MalformedCase("$999999999999\r\n", .bulkTooLong, at: 1),

    MalformedCase(nested(4), .tooDeep, at: 12, limits: RESPLimits(maxDepth: 3)),
    MalformedCase("|1\r\n+a\r\n+b\r\n*1\r\n*0\r\n", .tooDeep, at: 16, limits: RESPLimits(maxDepth: 2)),
    MalformedCase(nested(65), .tooDeep, at: 256),

    MalformedCase(":abc\r\n", .invalidInteger, at: 1),
    MalformedCase(":12x\r\n", .invalidInteger, at: 3),
    MalformedCase(":\r\n", .invalidInteger, at: 1),
    MalformedCase(":-\r\n", .invalidInteger, at: 2),
    MalformedCase(":+1\r\n", .invalidInteger, at: 1),
    MalformedCase(":1.5\r\n", .invalidInteger, at: 2),
    MalformedCase(":9223372036854775808\r\n", .invalidInteger, at: 19),
    MalformedCase(":-9223372036854775809\r\n", .invalidInteger, at: 20),
    MalformedCase(":123456789012345678901234567890\r\n", .invalidInteger, at: 20),

    MalformedCase("#x\r\n", .invalidBoolean, at: 1),
    MalformedCase("#T\r\n", .invalidBoolean, at: 1),
    MalformedCase("#tt\r\n", .invalidBoolean, at: 2),
    MalformedCase("#\r\n", .invalidBoolean, at: 1),

    MalformedCase(",abc\r\n", .invalidDouble, at: 1),
    MalformedCase(",\r\n", .invalidDouble, at: 1),
    MalformedCase(",1.5x\r\n", .invalidDouble, at: 4),
    MalformedCase(",1e\r\n", .invalidDouble, at: 3),
    MalformedCase(",1e+\r\n", .invalidDouble, at: 4),
    MalformedCase(",-.\r\n", .invalidDouble, at: 3),
    MalformedCase(",infinity\r\n", .invalidDouble, at: 1),
    MalformedCase(",0x1p3\r\n", .invalidDouble, at: 2),
    MalformedCase(", 1\r\n", .invalidDouble, at: 1),

    MalformedCase("(12a\r\n", .invalidBigNumber, at: 3),
    MalformedCase("(-\r\n", .invalidBigNumber, at: 2),

    MalformedCase("+123456789\r\n", .lineTooLong, at: 9, limits: RESPLimits(maxLineLength: 8)),
    MalformedCase("-123456789", .lineTooLong, at: 9, limits: RESPLimits(maxLineLength: 8)),
    MalformedCase("$0000000000\r\n", .lineTooLong, at: 9, limits: RESPLimits(maxLineLength: 8)),

    MalformedCase("*2000000000\r\n", .aggregateTooLarge, at: 1),
    MalformedCase("%16777217\r\n", .aggregateTooLarge, at: 1),
    MalformedCase("*1\r\n~5\r\n", .aggregateTooLarge, at: 5, limits: RESPLimits(maxAggregateCount: 4)),

    MalformedCase("=3\r\nabc\r\n", .invalidVerbatim, at: 1),
    MalformedCase("=5\r\ntxtxy\r\n", .invalidVerbatim, at: 7),
]

@Suite("RESPDecoder malformed input")
struct MalformedInputTests {
    @Test("error code and offset at every split", arguments: malformedCases)
    func rejects(_ c: MalformedCase) {
        var mismatch: String?
        let outcome = outcomeAtEverySplit(c.wire, limits: c.limits, mismatch: &mismatch)
        #expect(mismatch == nil)
        #expect(outcome.values.count == c.valuesBefore)
        #expect(outcome.error?.code == c.code, "\(outcome)")
        #expect(outcome.error?.offset == c.offset, "\(outcome)")
        #expect(outcome.error?.message.isEmpty == false)
    }

    @Test func lineBoundIsInclusive() throws {
        let limits = RESPLimits(maxLineLength: 8)
        #expect(decodeWhole(Array(wire: "+12345678\r\n"), limits: limits).values == [.simpleString("12345678")])
        #expect(decodeWhole(Array(wire: "$10\r\n0123456789\r\n"), limits: RESPLimits(maxBulkLength: 10)).error == nil)
        #expect(decodeWhole(Array(wire: nested(3)), limits: RESPLimits(maxDepth: 3)).error == nil)
        #expect(decodeWhole(Array(wire: "*4\r\n_\r\n_\r\n_\r\n_\r\n"), limits: RESPLimits(maxAggregateCount: 4)).error == nil)
    }

    @Test func tenMegabyteLineWithoutCRLF() throws {
        var decoder = RESPDecoder()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        decoder.feed(Array(wire: "+"))
        var thrown: RESPDecodeError?
        for _ in 0..<10 where thrown == nil {
            decoder.feed(chunk)
            do { _ = try decoder.next() } catch { thrown = error }
        }
        #expect(thrown?.code == .lineTooLong)
        #expect(thrown?.offset == 1 + (64 << 10))
    }

    @Test func errorsStick() throws {
        var decoder = RESPDecoder()
        decoder.feed(Array(wire: ":1\r\n:x\r\n+OK\r\n"))
        #expect(try decoder.next() == .integer(1))
        let first = #expect(throws: RESPDecodeError.self) { try decoder.next() }
        #expect(first?.code == .invalidInteger)
        #expect(first?.offset == 5)
        let held = decoder.bufferedByteCount
        // A dead stream keeps no more bytes: the connection is about to close anyway.
        decoder.feed(Array(wire: "+OK\r\n"))
        #expect(decoder.bufferedByteCount == held)
        for _ in 0..<3 {
            let again = #expect(throws: RESPDecodeError.self) { try decoder.next() }
            #expect(again == first)
        }
    }

    /// Limits near `Int.max` must not turn length arithmetic into an overflow trap.
    @Test func hugeLimitsDoNotOverflow() throws {
        let limits = RESPLimits(maxBulkLength: .max, maxDepth: .max, maxLineLength: .max, maxAggregateCount: .max)
        #expect(RESPDecoder(limits: limits).limits.maxAggregateCount == Int.max / 2 - 1)
        for text in ["$9223372036854775807\r\nab", "|4611686018427387902\r\n+a\r\n", "*4611686018427387902\r\n:1\r\n", "+abc"] {
            let outcome = decodeBytewise(Array(wire: text), limits: limits)
            #expect(outcome.error == nil && outcome.values.isEmpty && outcome.midValue, "\(text): \(outcome)")
        }
        let over = decodeWhole(Array(wire: "%9223372036854775807\r\n"), limits: limits)
        #expect(over.error?.code == .aggregateTooLarge)
        let negative = decodeWhole(Array(wire: "+a\r\n"), limits: RESPLimits(maxLineLength: -5))
        #expect(negative.error?.code == .lineTooLong)
    }

    @Test func descriptionSaysWhatAndWhere() {
        let outcome = decodeWhole(Array(wire: "HTTP/1.1"))
        let text = outcome.error.map(String.init(describing:)) ?? ""
        #expect(text.contains("byte 0"))
        #expect(text.contains("0x48 ('H')"))
        #expect(text.contains("Redis server"))
    }
}
