/// Builds RESP bytes into one reusable buffer.
///
/// A connection keeps one encoder, appends a whole batch of commands, writes `bytes` with a
/// single `write(2)`, then calls `reset()`: after warm-up no command allocates, because
/// numbers are formatted straight into `bytes` and its capacity is kept.
public struct RESPEncoder: Sendable {
    /// Everything appended since the last `reset()`.
    public private(set) var bytes: [UInt8]

    /// Makes an encoder whose buffer starts with room for `capacity` bytes.
    public init(capacity: Int = 4096) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Empties the buffer but keeps its storage, so the next batch does not allocate.
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
    }

    /// Drops the first `count` bytes, keeping capacity: a connection whose socket took only
    /// part of a long batch discards what was written instead of letting the buffer grow.
    public mutating func removeFirst(_ count: Int) {
        bytes.removeFirst(count)
    }

    /// Appends a command as Redis expects it from clients: an array of bulk strings.
    ///
    /// The command's size is summed first, the buffer grown once, and every header, digit and
    /// payload then written through one pointer: appending piecemeal costs a capacity and
    /// uniqueness check per piece, which was most of the time for a short lock command.
    public mutating func appendCommand(_ args: [RedisArgument]) {
        var total = 3 + RESPWriter.decimalWidth(Int64(args.count))
        for arg in args {
            let length = Self.payloadLength(arg)
            total += 5 + RESPWriter.decimalWidth(Int64(length)) + length
        }
        let start = bytes.count
        grow(by: total)
        bytes.withUnsafeMutableBufferPointer { buffer in
            // `total` bytes from `start` were just appended, so every write below is in bounds.
            var cursor = buffer.baseAddress! + start
            Self.writeHeader(UInt8(ascii: "*"), args.count, &cursor)
            for arg in args {
                let length = Self.payloadLength(arg)
                Self.writeHeader(UInt8(ascii: "$"), length, &cursor)
                switch arg {
                case .string(var s):
                    s.withUTF8 { source in
                        if let base = source.baseAddress { cursor.update(from: base, count: source.count) }
                    }
                case .bytes(let b):
                    b.withUnsafeBufferPointer { source in
                        if let base = source.baseAddress { cursor.update(from: base, count: source.count) }
                    }
                case .integer(let i):
                    RESPWriter.writeDecimal(i, width: length, at: cursor)
                }
                cursor += length
                cursor[0] = UInt8(ascii: "\r")
                cursor[1] = UInt8(ascii: "\n")
                cursor += 2
            }
        }
    }

    /// Appends a command given as separate arguments, e.g. `appendCommand("GET", "k")`.
    public mutating func appendCommand(_ args: RedisArgument...) {
        appendCommand(args)
    }

    // MARK: Piecewise commands (the lock layer's measured path builds commands without an argument array)

    /// Appends `*count\r\n`: the header of a command of `count` arguments, each appended next.
    public mutating func appendArrayHeader(_ count: Int) {
        appendHeader(UInt8(ascii: "*"), count)
    }

    /// Appends one argument as a bulk string: `$len\r\n<utf8>\r\n`.
    public mutating func appendArgument(_ text: String) {
        var text = text
        text.withUTF8 { appendArgument(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Appends one argument given as raw bytes.
    public mutating func appendArgument(bytes payload: UnsafeRawBufferPointer) {
        appendHeader(UInt8(ascii: "$"), payload.count)
        bytes.append(contentsOf: payload)
        appendCRLF()
    }

    /// Appends one argument as the decimal text of `value`.
    public mutating func appendArgument(_ value: Int64) {
        appendHeader(UInt8(ascii: "$"), RESPWriter.decimalWidth(value))
        appendDecimal(value)
        appendCRLF()
    }

    /// Appends bytes that are already RESP (a command or arguments encoded once and kept).
    public mutating func appendRaw(_ raw: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: raw)
    }

    /// Appends bytes that are already RESP.
    public mutating func appendRaw(_ raw: [UInt8]) {
        bytes.append(contentsOf: raw)
    }

    /// The bytes of one command, for callers that send it once and keep no encoder.
    public static func encodeCommand(_ args: [RedisArgument]) -> [UInt8] {
        var encoder = RESPEncoder(capacity: 64)
        encoder.appendCommand(args)
        return encoder.bytes
    }

    /// Appends any value in its wire form, as a server (or a test's fake server) would send it.
    ///
    /// Values the wire cannot carry are repaired rather than trapped on, so one bad value cannot
    /// desynchronise the stream: CR and LF in a simple string or error become spaces (as
    /// redis-server's `addReplyError` does), and a verbatim format is cut or space-padded to
    /// its three bytes. A big number is written as given; the decoder rejects non-digits.
    /// Doubles are written in their shortest form that reads back to the same bits, with
    /// `inf`, `-inf` and `nan`.
    public mutating func appendValue(_ value: RESPValue) {
        switch value {
        case .simpleString(let s):
            appendLine(UInt8(ascii: "+"), s)
        case .simpleError(let s):
            appendLine(UInt8(ascii: "-"), s)
        case .integer(let i):
            bytes.append(UInt8(ascii: ":"))
            appendDecimal(i)
            appendCRLF()
        case .bulkString(nil):
            appendHeader(UInt8(ascii: "$"), -1)
        case .bulkString(let b?):
            appendBulk(UInt8(ascii: "$"), b)
        case .array(nil):
            appendHeader(UInt8(ascii: "*"), -1)
        case .array(let items?):
            appendAggregate(UInt8(ascii: "*"), items)
        case .null:
            bytes.append(UInt8(ascii: "_"))
            appendCRLF()
        case .boolean(let b):
            bytes.append(UInt8(ascii: "#"))
            bytes.append(b ? UInt8(ascii: "t") : UInt8(ascii: "f"))
            appendCRLF()
        case .double(let d):
            bytes.append(UInt8(ascii: ","))
            if d.isNaN {
                bytes.append(contentsOf: "nan".utf8)
            } else if d.isInfinite {
                bytes.append(contentsOf: (d < 0 ? "-inf" : "inf").utf8)
            } else {
                // Swift prints the shortest digits that parse back to the same Double.
                bytes.append(contentsOf: d.description.utf8)
            }
            appendCRLF()
        case .bigNumber(let s):
            appendLine(UInt8(ascii: "("), s)
        case .bulkError(let b):
            appendBulk(UInt8(ascii: "!"), b)
        case .verbatimString(let format, let text):
            appendHeader(UInt8(ascii: "="), text.count + 4)
            var written = 0
            for byte in format.utf8.prefix(3) {
                bytes.append(byte)
                written += 1
            }
            while written < 3 {
                bytes.append(UInt8(ascii: " "))
                written += 1
            }
            bytes.append(UInt8(ascii: ":"))
            bytes.append(contentsOf: text)
            appendCRLF()
        case .map(let pairs):
            appendPairs(UInt8(ascii: "%"), pairs)
        case .set(let items):
            appendAggregate(UInt8(ascii: "~"), items)
        case .push(let items):
            appendAggregate(UInt8(ascii: ">"), items)
        case .attribute(let pairs, let decorated):
            appendPairs(UInt8(ascii: "|"), pairs)
            appendValue(decorated)
        }
    }
}

extension RESPEncoder {
    private mutating func appendCRLF() {
        bytes.append(UInt8(ascii: "\r"))
        bytes.append(UInt8(ascii: "\n"))
    }

    private mutating func appendHeader(_ type: UInt8, _ count: Int) {
        bytes.append(type)
        appendDecimal(Int64(count))
        appendCRLF()
    }

    private mutating func appendBulk(_ type: UInt8, _ payload: [UInt8]) {
        appendHeader(type, payload.count)
        bytes.append(contentsOf: payload)
        appendCRLF()
    }

    private mutating func appendAggregate(_ type: UInt8, _ items: [RESPValue]) {
        appendHeader(type, items.count)
        for item in items { appendValue(item) }
    }

    private mutating func appendPairs(_ type: UInt8, _ pairs: [RESPPair]) {
        appendHeader(type, pairs.count)
        for pair in pairs {
            appendValue(pair.key)
            appendValue(pair.value)
        }
    }

    /// A line cannot hold CR or LF: they would end the value early and desynchronise the reader.
    private mutating func appendLine(_ type: UInt8, _ text: String) {
        bytes.append(type)
        let utf8 = text.utf8
        if utf8.contains(where: { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }) {
            for byte in utf8 {
                bytes.append(byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") ? UInt8(ascii: " ") : byte)
            }
        } else {
            bytes.append(contentsOf: utf8)
        }
        appendCRLF()
    }

    /// The bulk length of an argument; O(1) for strings, since native Swift strings store UTF-8.
    private static func payloadLength(_ arg: RedisArgument) -> Int {
        switch arg {
        case .string(let s): return s.utf8.count
        case .bytes(let b): return b.count
        case .integer(let i): return RESPWriter.decimalWidth(i)
        }
    }

    /// Writes `*3\r\n` or `$5\r\n` and moves the cursor past it.
    private static func writeHeader(_ type: UInt8, _ count: Int, _ cursor: inout UnsafeMutablePointer<UInt8>) {
        cursor[0] = type
        let width = RESPWriter.decimalWidth(Int64(count))
        RESPWriter.writeDecimal(Int64(count), width: width, at: cursor + 1)
        cursor[width + 1] = UInt8(ascii: "\r")
        cursor[width + 2] = UInt8(ascii: "\n")
        cursor += width + 3
    }

    /// Zeros to grow `bytes` by, because `Array` has no way to append uninitialised room:
    /// appending `repeatElement(0, count:)` runs a byte-at-a-time loop, a copy from here is a `memcpy`.
    private static let zeros = [UInt8](repeating: 0, count: 1024)

    /// Appends `count` bytes to be overwritten in place.
    private mutating func grow(by count: Int) {
        var remaining = count
        while remaining > 0 {
            let chunk = min(remaining, Self.zeros.count)
            Self.zeros.withUnsafeBufferPointer { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[..<chunk])) }
            remaining -= chunk
        }
    }

    /// Digits go straight into `bytes`: `String(value)` would allocate per number.
    private mutating func appendDecimal(_ value: Int64) {
        let width = RESPWriter.decimalWidth(value)
        let start = bytes.count
        grow(by: width)
        bytes.withUnsafeMutableBufferPointer { buffer in
            RESPWriter.writeDecimal(value, width: width, at: buffer.baseAddress! + start)
        }
    }
}
