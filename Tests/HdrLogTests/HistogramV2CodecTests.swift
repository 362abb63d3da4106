import Foundation
import Histogram
import Testing
@testable import HdrLog

@Suite("HdrHistogram V2 encoding")
struct HistogramV2CodecTests {
    /// Published by HdrHistogramJS (`src/encoding.spec.ts`, "should decode and decompress reading a
    /// base64 string"): a compressed V2 histogram holding one value, 42, written by another port.
    static let publishedOneValue = "HISTFAAAAB542pNpmSzMwMDAxAABzFCaEUoz2X+AMIKZAEARAtM="

    @Test func decodesThePublishedVector() throws {
        let histogram = try HistogramV2Codec.decode(Array(try #require(Data(base64Encoded: Self.publishedOneValue))))
        #expect(histogram.totalCount == 1)
        #expect(histogram.mean == 42)
        #expect(histogram.valuesAreEquivalent(histogram.max, 42))
    }

    /// The same histogram written by us gives the same V2 bytes (header and count words) as the
    /// published one once both are inflated: the zlib layer may differ between deflaters, the
    /// encoding may not.
    @Test func encodesThePublishedVectorByteForByte() throws {
        let published = Array(try #require(Data(base64Encoded: Self.publishedOneValue)))
        #expect(HistogramV2Codec.readBigEndian(UInt32.self, published, at: 0) == 0x1C84_9314)
        let length = Int(HistogramV2Codec.readBigEndian(UInt32.self, published, at: 4))
        let inflated = try Zlib.inflate(Array(published[8..<(8 + length)]))
        // HdrHistogramJS wrote it from an auto-resizing histogram declared 1...2: the header keeps 2.
        #expect(HistogramV2Codec.readBigEndian(UInt64.self, inflated, at: 16) == 1)
        #expect(HistogramV2Codec.readBigEndian(UInt64.self, inflated, at: 24) == 2)
        var ours = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 2, numberOfSignificantValueDigits: .three)
        ours.autoResize = true
        _ = ours.record(42)
        // Every byte but the highest trackable value, which we raise to the largest value recorded so
        // that readers sizing their counts from it (Java, Python) can load it.
        let encoded = HistogramV2Codec.encode(ours)
        #expect(encoded.count == inflated.count)
        #expect(Array(encoded[..<24]) == Array(inflated[..<24]))
        #expect(Array(encoded[32...]) == Array(inflated[32...]))
        #expect(HistogramV2Codec.readBigEndian(UInt64.self, encoded, at: 24) == 42)
    }

    /// The header layout field by field, for a histogram whose words are known: value 1 twice and
    /// value 3 once with lowest 1 → counts [0, 2, 0, 1] → words 0, 2, 0, 1 → ZigZag 0, 4, 0, 2.
    @Test func headerAndWordsAreHdrHistogramsLayout() {
        var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        _ = histogram.record(1, count: 2)
        _ = histogram.record(3)
        let bytes = HistogramV2Codec.encode(histogram)
        let expected: [UInt8] = [
            0x1C, 0x84, 0x93, 0x13, // V2 cookie with word size 8
            0, 0, 0, 4, // payload length
            0, 0, 0, 0, // normalizing index offset
            0, 0, 0, 3, // significant digits
            0, 0, 0, 0, 0, 0, 0, 1, // lowest discernible value
            0, 0, 0, 0, 0xD6, 0x93, 0xA4, 0x00, // highest trackable value 3.6e9
            0x3F, 0xF0, 0, 0, 0, 0, 0, 0, // integer-to-double ratio 1.0
            0, 4, 0, 2,
        ]
        #expect(bytes == expected)
    }

    @Test func zigZagLEB128MatchesTheReferenceWords() {
        let cases: [(Int64, [UInt8])] = [
            (0, [0x00]), (-1, [0x01]), (1, [0x02]), (63, [0x7E]), (-64, [0x7F]), (64, [0x80, 0x01]),
            (-1000, [0xCF, 0x0F]),
            (Int64.max, [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
            (Int64.min, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
        ]
        for (value, bytes) in cases {
            var out: [UInt8] = []
            ZigZagLEB128.append(value, to: &out)
            #expect(out == bytes, "encoding \(value)")
            var offset = 0
            #expect(ZigZagLEB128.read(bytes[...], at: &offset) == value, "decoding \(value)")
            #expect(offset == bytes.count)
        }
    }

    @Test func roundTripsEveryBucket() throws {
        var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000_000, numberOfSignificantValueDigits: .three)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let magnitude = UInt64.random(in: 0...41, using: &generator)
            _ = histogram.record(UInt64.random(in: 0...(UInt64(1) << magnitude), using: &generator), count: UInt64.random(in: 1...3, using: &generator))
        }
        _ = histogram.record(3_600_000_000_000)
        let decoded = try HistogramV2Codec.decode(HistogramV2Codec.encodeCompressed(histogram))
        #expect(Self.buckets(decoded) == Self.buckets(histogram))
        #expect(decoded.totalCount == histogram.totalCount)
        #expect(decoded.max == histogram.max)
        #expect(decoded.highestTrackableValue == histogram.highestTrackableValue)
    }

    @Test func exactMaxIsRestoredOnlyWhereItFits() throws {
        var histogram = Histogram<UInt64>(highestTrackableValue: 10_000_000)
        _ = histogram.record(1_234_567)
        _ = histogram.record(55)
        let bytes = HistogramV2Codec.encodeCompressed(histogram)
        #expect(try HistogramV2Codec.decode(bytes).maxRecorded == histogram.lowestEquivalentForValue(1_234_567))
        #expect(try HistogramV2Codec.decode(bytes, exactMax: 1_234_567).maxRecorded == 1_234_567)
        let foreign = try HistogramV2Codec.decode(bytes, exactMax: 1_234) // another ratio's column: ignored
        #expect(foreign.maxRecorded == histogram.lowestEquivalentForValue(1_234_567))
        #expect(foreign.totalCount == 2)
    }

    @Test func roundTripsAnEmptyHistogram() throws {
        let empty = Histogram<UInt64>(highestTrackableValue: 1000)
        let decoded = try HistogramV2Codec.decode(HistogramV2Codec.encodeCompressed(empty))
        #expect(decoded.totalCount == 0)
    }

    @Test func rejectsForeignAndDamagedInput() throws {
        var histogram = Histogram<UInt64>(highestTrackableValue: 1_000_000)
        _ = histogram.record(777)
        let compressed = HistogramV2Codec.encodeCompressed(histogram)
        var wrongCookie = compressed
        wrongCookie[3] = 0x01
        #expect(throws: HdrLogError.self) { try HistogramV2Codec.decode(wrongCookie) }
        #expect(throws: HdrLogError.self) { try HistogramV2Codec.decode(Array(compressed.dropLast(3))) }
        #expect(throws: HdrLogError.self) { try HistogramV2Codec.decode([0x1C, 0x84]) }
        var garbled = compressed
        garbled[10] ^= 0xFF
        #expect(throws: HdrLogError.self) { try HistogramV2Codec.decode(garbled) }
        var truncatedWords = HistogramV2Codec.encode(histogram)
        truncatedWords[7] += 5 // payload length beyond the bytes
        #expect(throws: HdrLogError.self) { try HistogramV2Codec.decode(truncatedWords) }
    }

    static func buckets(_ histogram: Histogram<UInt64>) -> [UInt64: UInt64] {
        var result: [UInt64: UInt64] = [:]
        for bucket in histogram.recordedValues() { result[histogram.lowestEquivalentForValue(bucket.value)] = bucket.count }
        return result
    }
}
