/// Parsers for the contents of one line (between the type byte and CRLF). Each reports the
/// first byte that breaks its grammar, so the offset in an error is the same however the
/// stream was split.
extension RESPDecoder {
    /// The fifteen RESP2/RESP3 type bytes; checked before the line, so garbage fails at once.
    static func isTypeByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "$"), UInt8(ascii: "*"),
             UInt8(ascii: "_"), UInt8(ascii: "#"), UInt8(ascii: ","), UInt8(ascii: "("), UInt8(ascii: "!"),
             UInt8(ascii: "="), UInt8(ascii: "%"), UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "|"):
            return true
        default:
            return false
        }
    }

    /// Names a bad type byte, printable or not, so a log shows what the peer actually sent.
    static func describeTypeByte(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16, uppercase: true)
        let code = "0x" + (hex.count == 1 ? "0" + hex : hex)
        if byte >= 0x20 && byte < 0x7F {
            return "unexpected type byte \(code) ('\(Character(Unicode.Scalar(byte)))')"
        }
        return "unexpected type byte \(code)"
    }

    /// A bulk or aggregate length: a non-negative decimal, or exactly `-1` where RESP2 allows
    /// a null. `-0`, `+5` and empty are rejected: `-1` is the only negative RESP defines.
    func parseLength(
        _ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, allowNull: Bool
    ) throws(RESPDecodeError) -> Int {
        guard start < end else { throw error(.invalidLength, at: start, "empty length") }
        if buffer[start] == UInt8(ascii: "-") {
            guard allowNull, end - start == 2, buffer[start + 1] == UInt8(ascii: "1") else {
                throw error(.invalidLength, at: start, allowNull
                    ? "negative length other than -1"
                    : "negative length (only RESP2 bulks and arrays may be -1)")
            }
            return -1
        }
        var value = 0
        for index in start..<end {
            let digit = buffer[index] &- UInt8(ascii: "0")
            guard digit < 10 else { throw error(.invalidLength, at: index, "non-digit in length") }
            let (scaled, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = scaled.addingReportingOverflow(Int(digit))
            guard !overflow1, !overflow2 else { throw error(.invalidLength, at: index, "length overflows Int") }
            value = sum
        }
        return value
    }

    /// A `:` reply: an optional `-`, then digits, within `Int64`.
    func parseInteger(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) throws(RESPDecodeError) -> Int64 {
        var index = start
        let negative = index < end && buffer[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < end else { throw error(.invalidInteger, at: index, "integer has no digits") }
        // Accumulate the magnitude so Int64.min, whose magnitude Int64 cannot hold, parses too.
        let limit: UInt64 = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        var magnitude: UInt64 = 0
        while index < end {
            let digit = buffer[index] &- UInt8(ascii: "0")
            guard digit < 10 else { throw error(.invalidInteger, at: index, "non-digit in integer") }
            let (scaled, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = scaled.addingReportingOverflow(UInt64(digit))
            guard !overflow1, !overflow2, sum <= limit else {
                throw error(.invalidInteger, at: index, "integer overflows Int64")
            }
            magnitude = sum
            index += 1
        }
        return negative ? Int64(bitPattern: 0 &- magnitude) : Int64(magnitude)
    }

    /// A `#` reply: exactly `t` or `f`.
    func parseBoolean(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) throws(RESPDecodeError) -> Bool {
        guard start < end else { throw error(.invalidBoolean, at: start, "boolean is empty; expected `t` or `f`") }
        let byte = buffer[start]
        guard byte == UInt8(ascii: "t") || byte == UInt8(ascii: "f") else {
            throw error(.invalidBoolean, at: start, "boolean must be `t` or `f`")
        }
        guard end - start == 1 else { throw error(.invalidBoolean, at: start + 1, "boolean longer than one byte") }
        return byte == UInt8(ascii: "t")
    }

    /// A `(` reply: an optional sign, then at least one digit. Kept as text: it may exceed Int64.
    func parseBigNumber(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) throws(RESPDecodeError) -> String {
        var index = start
        if index < end && (buffer[index] == UInt8(ascii: "-") || buffer[index] == UInt8(ascii: "+")) { index += 1 }
        guard index < end else { throw error(.invalidBigNumber, at: index, "big number has no digits") }
        while index < end {
            guard buffer[index] &- UInt8(ascii: "0") < 10 else {
                throw error(.invalidBigNumber, at: index, "non-digit in big number")
            }
            index += 1
        }
        return String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self)
    }

    /// A `,` reply: `[sign]digits[.digits][(e|E)[sign]digits]`, or `inf`, `-inf`, `nan`.
    ///
    /// The grammar is checked here because `Double(String)` follows `strtod`, which would
    /// also take hex floats, `infinity` and leading spaces that RESP does not allow.
    func parseDouble(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) throws(RESPDecodeError) -> Double {
        var index = start
        let negative = index < end && buffer[index] == UInt8(ascii: "-")
        if index < end && (negative || buffer[index] == UInt8(ascii: "+")) { index += 1 }
        if end - index == 3 {
            let word = (buffer[index], buffer[index + 1], buffer[index + 2])
            if word == (UInt8(ascii: "i"), UInt8(ascii: "n"), UInt8(ascii: "f")) { return negative ? -.infinity : .infinity }
            if word == (UInt8(ascii: "n"), UInt8(ascii: "a"), UInt8(ascii: "n")) { return .nan }
        }
        var mantissaDigits = 0
        while index < end && buffer[index] &- UInt8(ascii: "0") < 10 {
            index += 1
            mantissaDigits += 1
        }
        if index < end && buffer[index] == UInt8(ascii: ".") {
            index += 1
            while index < end && buffer[index] &- UInt8(ascii: "0") < 10 {
                index += 1
                mantissaDigits += 1
            }
        }
        guard mantissaDigits > 0 else { throw error(.invalidDouble, at: index, "double has no digits") }
        if index < end && (buffer[index] == UInt8(ascii: "e") || buffer[index] == UInt8(ascii: "E")) {
            index += 1
            if index < end && (buffer[index] == UInt8(ascii: "-") || buffer[index] == UInt8(ascii: "+")) { index += 1 }
            var exponentDigits = 0
            while index < end && buffer[index] &- UInt8(ascii: "0") < 10 {
                index += 1
                exponentDigits += 1
            }
            guard exponentDigits > 0 else { throw error(.invalidDouble, at: index, "double exponent has no digits") }
        }
        guard index == end else { throw error(.invalidDouble, at: index, "unexpected byte in double") }
        guard let value = Double(String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self)) else {
            throw error(.invalidDouble, at: start, "double not representable")
        }
        return value
    }
}
