import RESP

/// What a decoder produced from one stream: its values, then the error that stopped it, if any.
struct DecodeOutcome: Equatable, CustomStringConvertible {
    var values: [RESPValue] = []
    var error: RESPDecodeError?
    /// True when bytes of an unfinished value were left over.
    var midValue = false

    var description: String { "values: \(values), error: \(error.map(String.init(describing:)) ?? "none"), midValue: \(midValue)" }
}

extension Array where Element == UInt8 {
    /// The UTF-8 bytes of `text`, for writing wire bytes as string literals.
    init(wire text: String) { self = Array(text.utf8) }
}

/// Feeds `bytes` cut into the given piece lengths (the rest as a last piece), draining the
/// decoder after every piece, as a connection does after every read.
func decode(_ bytes: [UInt8], pieces: [Int], limits: RESPLimits = .init()) -> DecodeOutcome {
    var decoder = RESPDecoder(limits: limits)
    var outcome = DecodeOutcome()
    var offset = 0
    var cuts = pieces.map { $0 }
    cuts.append(Swift.max(0, bytes.count - pieces.reduce(0, +)))
    for length in cuts where offset < bytes.count {
        let end = Swift.min(bytes.count, offset + length)
        decoder.feed(bytes[offset..<end])
        offset = end
        do {
            while let value = try decoder.next() { outcome.values.append(value) }
        } catch {
            outcome.error = error
            return outcome
        }
    }
    outcome.midValue = decoder.isMidValue
    return outcome
}

/// Feeds everything at once.
func decodeWhole(_ bytes: [UInt8], limits: RESPLimits = .init()) -> DecodeOutcome {
    decode(bytes, pieces: [], limits: limits)
}

/// Feeds one byte at a time.
func decodeBytewise(_ bytes: [UInt8], limits: RESPLimits = .init()) -> DecodeOutcome {
    decode(bytes, pieces: Array(repeating: 1, count: bytes.count), limits: limits)
}

/// Feeds in random pieces of 1...`maxPiece` bytes.
func decodeRandomly(_ bytes: [UInt8], using rng: inout SplitMix64, maxPiece: Int = 16, limits: RESPLimits = .init()) -> DecodeOutcome {
    var pieces: [Int] = []
    var total = 0
    while total < bytes.count {
        let piece = rng.int(1...maxPiece)
        pieces.append(piece)
        total += piece
    }
    return decode(bytes, pieces: pieces, limits: limits)
}

/// The outcome of feeding whole, byte by byte, and split in two at every point, which must
/// all agree; returns the whole-feed outcome, or `nil` (after describing the first
/// disagreement in `mismatch`) when they do not.
func outcomeAtEverySplit(_ bytes: [UInt8], limits: RESPLimits = .init(), mismatch: inout String?) -> DecodeOutcome {
    let whole = decodeWhole(bytes, limits: limits)
    let bytewise = decodeBytewise(bytes, limits: limits)
    if bytewise != whole {
        mismatch = "byte at a time gave \(bytewise), whole gave \(whole)"
        return whole
    }
    for cut in 0...bytes.count {
        let split = decode(bytes, pieces: [cut], limits: limits)
        if split != whole {
            mismatch = "split at \(cut) gave \(split), whole gave \(whole)"
            return whole
        }
    }
    return whole
}
