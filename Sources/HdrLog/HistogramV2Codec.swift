import Histogram

/// HdrHistogram's V2 histogram encoding, byte for byte as Java's `encodeIntoByteBuffer` writes it, and
/// its compressed wrapper (`encodeIntoCompressedByteBuffer`), the payload of every `.hlog` line.
///
/// Layout, all big-endian: cookie (Int32), payload length (Int32), normalizing index offset (Int32),
/// significant digits (Int32), lowest discernible value (Int64), highest trackable value (Int64),
/// integer-to-double conversion ratio (Float64), then `payload length` bytes of ZigZag LEB128 count
/// words up to the last non-empty bucket. The compressed form is its own cookie, the length of what
/// follows (Int32), and the zlib stream of the whole V2 encoding.
public enum HistogramV2Codec {
    /// The V2 cookie base `0x1c849303` with the word size (8 bytes → `0x10`) ORed in, as Java,
    /// HdrHistogram_c and the Python package write it; readers mask the `0xf0` nibble before comparing.
    public static let encodingCookie: UInt32 = 0x1c84_9303 | 0x10
    /// The compressed-wrapper cookie: base `0x1c849304` with the same word-size nibble.
    public static let compressedEncodingCookie: UInt32 = 0x1c84_9304 | 0x10
    static let headerSize = 40

    /// The V2 encoding of `histogram` (uncompressed).
    public static func encode(_ histogram: Histogram<UInt64>) -> [UInt8] {
        let layout = BucketLayout(
            lowestDiscernibleValue: histogram.lowestDiscernibleValue,
            significantDigits: Int(histogram.numberOfSignificantValueDigits.rawValue))
        var words: [UInt8] = []
        if histogram.totalCount > 0 {
            var previous = -1
            for bucket in histogram.recordedValues() {
                let index = layout.index(of: bucket.value)
                let zeros = index - previous - 1
                if zeros > 1 {
                    ZigZagLEB128.append(-Int64(zeros), to: &words)
                } else if zeros == 1 {
                    ZigZagLEB128.append(0, to: &words)
                }
                ZigZagLEB128.append(Int64(bitPattern: bucket.count), to: &words)
                previous = index
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(headerSize + words.count)
        appendBigEndian(encodingCookie, to: &bytes)
        appendBigEndian(UInt32(words.count), to: &bytes)
        appendBigEndian(UInt32(0), to: &bytes) // normalizing index offset: lockbench never shifts
        appendBigEndian(UInt32(histogram.numberOfSignificantValueDigits.rawValue), to: &bytes)
        appendBigEndian(histogram.lowestDiscernibleValue, to: &bytes)
        // hdrhistogram-swift's auto-resize grows the counts but leaves `highestTrackableValue` where it
        // was; Java's and Python's readers size their counts from this field and fail on counts past
        // it, so it covers the largest value recorded.
        appendBigEndian(Swift.max(histogram.highestTrackableValue, histogram.maxRecorded), to: &bytes)
        appendBigEndian((1.0 as Double).bitPattern, to: &bytes) // integer values: ratio 1
        bytes += words
        return bytes
    }

    /// The compressed form: cookie, length, zlib(V2 encoding).
    public static func encodeCompressed(_ histogram: Histogram<UInt64>) -> [UInt8] {
        let deflated = Zlib.deflate(encode(histogram))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + deflated.count)
        appendBigEndian(compressedEncodingCookie, to: &bytes)
        appendBigEndian(UInt32(deflated.count), to: &bytes)
        return bytes + deflated
    }

    /// Decodes either form (told apart by the cookie) into a histogram with the encoded range and precision.
    /// Counts come back at the lowest value of their bucket; `exactMax`, when it lies in the last
    /// non-empty bucket (an interval line's max column, say), puts that bucket's counts at it instead,
    /// so `maxRecorded` survives the round trip exactly and `max` is unchanged.
    public static func decode(_ bytes: [UInt8], exactMax: UInt64? = nil) throws -> Histogram<UInt64> {
        guard bytes.count >= 8 else { throw HdrLogError("histogram encoding is \(bytes.count) bytes, shorter than any header") }
        let cookie = readBigEndian(UInt32.self, bytes, at: 0)
        switch cookie & ~0xF0 {
        case compressedEncodingCookie & ~0xF0:
            let length = Int(readBigEndian(UInt32.self, bytes, at: 4))
            guard length <= bytes.count - 8 else {
                throw HdrLogError("compressed histogram says \(length) bytes follow, but only \(bytes.count - 8) do")
            }
            return try decodeV2(Zlib.inflate(Array(bytes[8..<(8 + length)])), exactMax: exactMax)
        case encodingCookie & ~0xF0:
            return try decodeV2(bytes, exactMax: exactMax)
        default:
            throw HdrLogError("histogram cookie 0x\(String(cookie, radix: 16)) is neither V2 (0x1c849313) nor V2 compressed (0x1c849314)")
        }
    }

    private static func decodeV2(_ bytes: [UInt8], exactMax: UInt64?) throws -> Histogram<UInt64> {
        guard bytes.count >= headerSize else { throw HdrLogError("V2 histogram is \(bytes.count) bytes, shorter than its 40-byte header") }
        let cookie = readBigEndian(UInt32.self, bytes, at: 0)
        guard cookie & ~0xF0 == encodingCookie & ~0xF0 else {
            throw HdrLogError("inner histogram cookie 0x\(String(cookie, radix: 16)) is not V2 (0x1c849313)")
        }
        let payloadLength = Int(readBigEndian(UInt32.self, bytes, at: 4))
        let offset = Int32(bitPattern: readBigEndian(UInt32.self, bytes, at: 8))
        let digits = Int(readBigEndian(UInt32.self, bytes, at: 12))
        let lowest = readBigEndian(UInt64.self, bytes, at: 16)
        let highest = readBigEndian(UInt64.self, bytes, at: 24)
        guard payloadLength <= bytes.count - headerSize else {
            throw HdrLogError("V2 histogram payload says \(payloadLength) bytes, but \(bytes.count - headerSize) follow the header")
        }
        guard offset == 0 else { throw HdrLogError("normalizing index offset \(offset): shifted histograms are not supported") }
        guard let significant = SignificantDigits(rawValue: Int8(clamping: digits)), digits <= 5 else {
            throw HdrLogError("significant digits \(digits) is outside 0...5")
        }
        guard lowest >= 1, lowest <= UInt64.max / 2, highest >= 2 * lowest else {
            throw HdrLogError("trackable range \(lowest)...\(highest) is invalid (lowest ≥ 1, highest ≥ 2 × lowest)")
        }
        var histogram = Histogram<UInt64>(lowestDiscernibleValue: lowest, highestTrackableValue: highest, numberOfSignificantValueDigits: significant)
        // Auto-resizing writers (HdrHistogramJS, ours) may record past the header's highest trackable
        // value, as Java's auto-resize does: grow, but only as far as a value fits in 63 bits.
        histogram.autoResize = true
        let layout = BucketLayout(lowestDiscernibleValue: lowest, significantDigits: digits)
        let lastIndex = layout.index(of: UInt64.max >> 1)
        var position = headerSize
        let end = headerSize + payloadLength
        let words = bytes[..<end]
        var index = 0
        var last: (index: Int, count: UInt64)?
        while position < end {
            guard let word = ZigZagLEB128.read(words, at: &position) else {
                throw HdrLogError("V2 histogram payload ends inside a count word at byte \(position)")
            }
            if word < 0 {
                index += Int(clamping: -word)
                continue
            }
            guard index <= lastIndex else {
                throw HdrLogError("V2 histogram has counts beyond 2^63 (header's highest trackable value: \(highest))")
            }
            if word > 0 {
                if let previous = last { _ = histogram.record(layout.value(at: previous.index), count: previous.count) }
                last = (index, UInt64(word))
            }
            index += 1
        }
        if let last {
            let lowest = layout.value(at: last.index)
            let at = exactMax.map { $0 >= lowest && histogram.valuesAreEquivalent($0, lowest) } == true ? exactMax! : lowest
            _ = histogram.record(at, count: last.count)
        }
        return histogram
    }

    static func appendBigEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        var big = value.bigEndian
        withUnsafeBytes(of: &big) { bytes.append(contentsOf: $0) }
    }

    static func readBigEndian<T: FixedWidthInteger>(_ type: T.Type, _ bytes: [UInt8], at offset: Int) -> T {
        var value: T = 0
        for i in 0..<MemoryLayout<T>.size { value = value << 8 | T(bytes[offset + i]) }
        return value
    }
}
