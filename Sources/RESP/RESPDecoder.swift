/// Turns a RESP2/RESP3 byte stream, fed in whatever pieces the socket delivers, into values.
///
/// Feed bytes as they arrive, then call `next()` until it returns `nil` (as with swift-nio's
/// `NIOSingleStepByteToMessageDecoder`). Any split of the stream yields the same values and
/// the same error. Partial work is kept between feeds: a bulk's declared length is checked
/// against buffered bytes without re-scanning it, and unfinished aggregates wait on a stack,
/// so a multi-megabyte reply arriving in small reads costs time linear in its size.
///
/// Not thread-safe: one connection's serial queue owns it.
public struct RESPDecoder: Sendable {
    /// The bounds this decoder enforces: those it was made with, negatives raised to zero and
    /// `maxAggregateCount` capped at `Int.max / 2 - 1`.
    public let limits: RESPLimits

    /// Bytes fed and not yet consumed start at `readIndex`; earlier ones are dropped in `compact()`.
    var storage: [UInt8] = []
    /// The first byte not yet turned into (part of) a value.
    var readIndex = 0
    /// The stream offset of `storage[0]`, so errors report offsets in the whole stream.
    var storageBase = 0
    /// Bytes after the type byte at `readIndex` already searched for CR without success:
    /// a long line arriving a byte at a time is then scanned once, not once per feed.
    var lineScanned = 0
    /// A bulk whose header is consumed and whose payload (plus CRLF) is still arriving.
    var pendingBulk: (type: UInt8, length: Int)?
    /// Unfinished aggregates, outermost first.
    var stack: [RESPDecoderFrame] = []
    /// The first error; RESP cannot resynchronise, so every later `next()` rethrows it.
    var failure: RESPDecodeError?

    public init(limits: RESPLimits = .init()) {
        // Negative bounds mean "nothing allowed". A map's count is doubled (plus one for an
        // attribute's value), so the count bound is capped where that cannot overflow.
        self.limits = RESPLimits(
            maxBulkLength: max(0, limits.maxBulkLength),
            maxDepth: max(0, limits.maxDepth),
            maxLineLength: max(0, limits.maxLineLength),
            maxAggregateCount: min(max(0, limits.maxAggregateCount), Int.max / 2 - 1)
        )
    }

    /// Bytes fed but not yet consumed by `next()`. Headers of unfinished aggregates are
    /// already consumed; a bulk's payload is not, until the whole bulk has arrived.
    public var bufferedByteCount: Int { storage.count - readIndex }

    /// True when bytes of an unfinished value are held, so a connection that closes now was
    /// cut mid-reply rather than between replies. Meaningful after `next()` returned `nil`.
    public var isMidValue: Bool {
        readIndex < storage.count || pendingBulk != nil || !stack.isEmpty
    }

    /// Appends received bytes. After an error the bytes are dropped: the stream is dead and
    /// holding them would only grow memory.
    public mutating func feed(_ bytes: some Sequence<UInt8>) {
        guard failure == nil else { return }
        compact()
        if bytes.withContiguousStorageIfAvailable({ storage.append(contentsOf: $0) }) == nil {
            storage.append(contentsOf: bytes)
        }
    }

    /// Appends received bytes straight from a read buffer.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil, !bytes.isEmpty else { return }
        compact()
        bytes.withMemoryRebound(to: UInt8.self) { storage.append(contentsOf: $0) }
    }

    /// The next complete value, or `nil` when more bytes are needed. Call it in a loop after
    /// each `feed`. Throws on malformed input, and keeps throwing the same error afterwards.
    public mutating func next() throws(RESPDecodeError) -> RESPValue? {
        if let failure { throw failure }
        // A local reference lets `decode` mutate `self` while reading the bytes; nothing
        // writes `storage` during decoding, so this costs a retain, never a copy.
        let bytes = storage
        do {
            return try bytes.withUnsafeBufferPointer { (buffer) throws(RESPDecodeError) in
                try decode(buffer)
            }
        } catch {
            failure = error
            throw error
        }
    }

    /// Drops consumed bytes, amortised: all at once when everything is consumed (the usual
    /// case between replies, and free), otherwise only once the consumed prefix outweighs
    /// what is left, so each byte is moved at most about once.
    private mutating func compact() {
        guard readIndex > 0 else { return }
        if readIndex == storage.count {
            storageBase += readIndex
            readIndex = 0
            // Let one huge reply's buffer go rather than pin it for the connection's life.
            if storage.capacity > 1 << 20 {
                storage = []
                storage.reserveCapacity(1 << 16)
            } else {
                storage.removeAll(keepingCapacity: true)
            }
        } else if readIndex >= 1 << 12 && readIndex >= storage.count - readIndex {
            storage.removeSubrange(0..<readIndex)
            storageBase += readIndex
            readIndex = 0
        }
    }
}

extension RESPDecoder {
    /// One pass of the state machine: finish a pending bulk or read one header or scalar,
    /// hand each finished value to the innermost open aggregate, and return a value once
    /// one completes at the top level.
    private mutating func decode(_ buffer: UnsafeBufferPointer<UInt8>) throws(RESPDecodeError) -> RESPValue? {
        let end = buffer.count
        outer: while true {
            var value: RESPValue
            if let bulk = pendingBulk {
                guard let finished = try finishBulk(buffer, type: bulk.type, length: bulk.length) else { return nil }
                pendingBulk = nil
                value = finished
            } else {
                let start = readIndex
                guard start < end else { return nil }
                let type = buffer[start]
                guard Self.isTypeByte(type) else {
                    throw error(.invalidTypeByte, at: start, Self.describeTypeByte(type))
                }
                guard let cr = try findCR(buffer, lineStart: start + 1) else { return nil }
                let content = start + 1
                // Consuming before validating is safe: an error below sticks, and names its own offset.
                consume(upTo: cr + 2)
                switch type {
                case UInt8(ascii: "+"):
                    value = .simpleString(String(decoding: UnsafeBufferPointer(rebasing: buffer[content..<cr]), as: UTF8.self))
                case UInt8(ascii: "-"):
                    value = .simpleError(String(decoding: UnsafeBufferPointer(rebasing: buffer[content..<cr]), as: UTF8.self))
                case UInt8(ascii: ":"):
                    value = .integer(try parseInteger(buffer, content, cr))
                case UInt8(ascii: "_"):
                    guard content == cr else { throw error(.missingCRLF, at: content, "expected CRLF right after `_`") }
                    value = .null
                case UInt8(ascii: "#"):
                    value = .boolean(try parseBoolean(buffer, content, cr))
                case UInt8(ascii: ","):
                    value = .double(try parseDouble(buffer, content, cr))
                case UInt8(ascii: "("):
                    value = .bigNumber(try parseBigNumber(buffer, content, cr))
                case UInt8(ascii: "$"), UInt8(ascii: "!"), UInt8(ascii: "="):
                    let length = try parseLength(buffer, content, cr, allowNull: type == UInt8(ascii: "$"))
                    if length < 0 {
                        value = .bulkString(nil)
                        break
                    }
                    guard length <= limits.maxBulkLength else {
                        throw error(.bulkTooLong, at: content,
                                    "bulk length \(length) exceeds the limit of \(limits.maxBulkLength)")
                    }
                    guard type != UInt8(ascii: "=") || length >= 4 else {
                        throw error(.invalidVerbatim, at: content, "verbatim length \(length) cannot hold the `fmt:` prefix")
                    }
                    // Small replies usually arrive whole: finish now and skip the pending state.
                    guard let finished = try finishBulk(buffer, type: type, length: length) else {
                        pendingBulk = (type, length)
                        return nil
                    }
                    value = finished
                default:
                    // An aggregate: `*`, `%`, `~`, `>` or `|`.
                    let count = try parseLength(buffer, content, cr, allowNull: type == UInt8(ascii: "*"))
                    if count < 0 {
                        value = .array(nil)
                        break
                    }
                    guard count <= limits.maxAggregateCount else {
                        throw error(.aggregateTooLarge, at: content,
                                    "aggregate of \(count) elements exceeds the limit of \(limits.maxAggregateCount)")
                    }
                    guard stack.count < limits.maxDepth else {
                        throw error(.tooDeep, at: start, "aggregate nested deeper than the limit of \(limits.maxDepth)")
                    }
                    let paired = type == UInt8(ascii: "%") || type == UInt8(ascii: "|")
                    let elements = paired ? 2 * count + (type == UInt8(ascii: "|") ? 1 : 0) : count
                    if elements == 0 {
                        value = RESPDecoderFrame.empty(type)
                        break
                    }
                    // Reserve no more than the bytes already here could fill (3 bytes is the
                    // smallest value), so `*16777216` with nothing behind it allocates little.
                    let fillable = (end - readIndex) / (paired ? 6 : 3) + 1
                    stack.append(RESPDecoderFrame(type: type, remaining: elements, reserve: min(count, fillable)))
                    continue outer
                }
            }
            while !stack.isEmpty {
                guard stack[stack.count - 1].absorb(value) else { continue outer }
                value = stack.removeLast().build()
            }
            return value
        }
    }

    /// Marks bytes before `index` as consumed; the next line scan starts afresh there.
    private mutating func consume(upTo index: Int) {
        readIndex = index
        lineScanned = 0
    }

    /// The bulk at `readIndex` once its payload and CRLF have all arrived, else `nil`.
    private mutating func finishBulk(
        _ buffer: UnsafeBufferPointer<UInt8>, type: UInt8, length: Int
    ) throws(RESPDecodeError) -> RESPValue? {
        let start = readIndex
        // Compare without `length + 2`, which could overflow under a huge configured limit.
        guard buffer.count - start >= 2, buffer.count - start - 2 >= length else { return nil }
        let payloadEnd = start + length
        var payloadStart = start
        var format = ""
        if type == UInt8(ascii: "=") {
            guard buffer[start + 3] == UInt8(ascii: ":") else {
                throw error(.invalidVerbatim, at: start + 3, "verbatim payload must start with a 3-byte format and `:`")
            }
            format = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<start + 3]), as: UTF8.self)
            payloadStart = start + 4
        }
        guard buffer[payloadEnd] == UInt8(ascii: "\r") else {
            throw error(.missingCRLF, at: payloadEnd, "expected CRLF after a \(length)-byte bulk payload")
        }
        guard buffer[payloadEnd + 1] == UInt8(ascii: "\n") else {
            throw error(.missingCRLF, at: payloadEnd + 1, "expected LF after CR ending a bulk payload")
        }
        let payload = Array(UnsafeBufferPointer(rebasing: buffer[payloadStart..<payloadEnd]))
        consume(upTo: payloadEnd + 2)
        switch type {
        case UInt8(ascii: "!"): return .bulkError(payload)
        case UInt8(ascii: "="): return .verbatimString(format: format, text: payload)
        default: return .bulkString(payload)
        }
    }

    /// The index of the CR ending the line whose content starts at `lineStart`, once its LF
    /// has arrived too; `nil` when more bytes are needed.
    private mutating func findCR(_ buffer: UnsafeBufferPointer<UInt8>, lineStart: Int) throws(RESPDecodeError) -> Int? {
        let available = buffer.count - lineStart
        // A CR may sit right after `maxLineLength` content bytes, so look one byte further.
        let window = limits.maxLineLength < available ? limits.maxLineLength + 1 : available
        var index = lineStart + lineScanned
        let scanEnd = lineStart + window
        while index < scanEnd {
            if buffer[index] == UInt8(ascii: "\r") {
                guard index + 1 < buffer.count else {
                    lineScanned = index - lineStart
                    return nil
                }
                guard buffer[index + 1] == UInt8(ascii: "\n") else {
                    throw error(.missingCRLF, at: index + 1, "CR not followed by LF in a line")
                }
                return index
            }
            index += 1
        }
        if limits.maxLineLength < available {
            throw error(.lineTooLong, at: lineStart + limits.maxLineLength,
                        "no CRLF within the line limit of \(limits.maxLineLength) bytes")
        }
        lineScanned = index - lineStart
        return nil
    }

    /// An error at a storage index, converted to a stream offset.
    func error(_ code: RESPDecodeError.Code, at index: Int, _ message: String) -> RESPDecodeError {
        RESPDecodeError(code, offset: storageBase + index, message: message)
    }
}
