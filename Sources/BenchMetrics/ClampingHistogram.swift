import Histogram

/// An HDR histogram (3 significant digits, lowest discernible value 1) that clamps values above its
/// ceiling instead of dropping them, grows its buckets only as far as the values it has seen, and
/// encodes sparsely.
///
/// Clamping matters because a fixed-range `Histogram` forgets a value above its range (`record`
/// returns `false`): a stall longer than the ceiling would vanish from the tail, the one place it must
/// show. Every instance shares one bucket layout (only the ceiling differs), so any two merge losslessly.
public struct ClampingHistogram: Sendable {
    /// One hour in nanoseconds: the ceiling for every duration the harness records.
    public static let oneHourNanos: UInt64 = 3_600_000_000_000

    /// Values above this are recorded as this.
    public let highestTrackableValue: UInt64
    /// How many values were above the ceiling and recorded as the ceiling.
    public private(set) var clampedCount: UInt64 = 0
    // Starts at the smallest layout (16 KB) and auto-resizes up to the largest value recorded: a
    // recorder carries nine of these, most runs use three, and a histogram sized for an hour of
    // nanoseconds up front is 270 KB. Not an Optional: mutating a generic struct through `!` goes
    // through value witnesses on every record, on the measured path.
    private var storage: Histogram<UInt64>
    /// Values below this index into `storage` without a resize: its buckets end at 2048 · 2^k (three
    /// significant digits, lowest value 1). May understate what `storage` covers (after a merge or a
    /// decode), which only costs a needless `grow`.
    private var coveredBelow: UInt64 = 2048

    /// An empty histogram; values above `highestTrackableValue` (default: one hour of nanoseconds) clamp.
    public init(highestTrackableValue: UInt64 = ClampingHistogram.oneHourNanos) {
        precondition(highestTrackableValue >= 2, "a histogram needs a ceiling of at least 2")
        self.highestTrackableValue = highestTrackableValue
        storage = Self.makeStorage()
    }

    private static func makeStorage() -> Histogram<UInt64> {
        var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 2, numberOfSignificantValueDigits: .three)
        histogram.autoResize = true
        return histogram
    }

    /// Records one value.
    @inline(__always)
    public mutating func record(_ value: UInt64) {
        record(value, count: 1)
    }

    /// Records `count` occurrences of one value.
    public mutating func record(_ value: UInt64, count: UInt64) {
        guard count > 0 else { return }
        var v = value
        if v > highestTrackableValue {
            v = highestTrackableValue
            clampedCount &+= count
        }
        if v >= coveredBelow { grow(toCover: v) }
        storage.record(v, count: count)
    }

    /// Grows `storage` to cover `value` as its own auto-resize would (same buckets, same ceiling), but
    /// by building the larger histogram and adding the old one: the library's resize appends zeros
    /// through unspecialised generic code, tens of millions of instructions per resize, on the
    /// measured queue, during the first values of a run.
    private mutating func grow(toCover value: UInt64) {
        var limit = coveredBelow
        while limit <= value, limit <= UInt64.max / 2 { limit <<= 1 }
        var grown = Histogram<UInt64>(
            lowestDiscernibleValue: 1,
            highestTrackableValue: storage.highestEquivalentForValue(Swift.max(value, storage.highestTrackableValue)),
            numberOfSignificantValueDigits: .three)
        grown.autoResize = true
        grown.add(storage)
        storage = grown
        coveredBelow = limit
    }

    /// The same counts as `histogram` (from an `.hlog`, say), with its `maxRecorded` kept exact; `nil`
    /// unless it has this type's layout (lowest discernible value 1, three significant digits), the only
    /// one that merges losslessly with the others.
    public init?(_ histogram: Histogram<UInt64>, highestTrackableValue: UInt64 = ClampingHistogram.oneHourNanos) {
        guard histogram.lowestDiscernibleValue == 1, histogram.numberOfSignificantValueDigits == .three,
              highestTrackableValue >= 2, histogram.maxRecorded <= highestTrackableValue else { return nil }
        self.init(highestTrackableValue: highestTrackableValue)
        guard histogram.totalCount > 0 else { return }
        let maxValue = histogram.maxRecorded
        var rebuilt = Self.makeStorage()
        for bucket in histogram.recordedValues() {
            _ = rebuilt.record(Self.exactValue(bucket.value, max: maxValue, in: rebuilt), count: bucket.count)
        }
        storage = rebuilt
    }

    /// Where to put a bucket's counts when rebuilding: the maximum's bucket at the exact maximum, the
    /// others at their lowest equivalent, so the buckets match and `maxRecorded` is exact, not rounded up.
    private static func exactValue(_ value: UInt64, max maxValue: UInt64, in histogram: Histogram<UInt64>) -> UInt64 {
        histogram.valuesAreEquivalent(value, maxValue) ? maxValue : histogram.lowestEquivalentForValue(value)
    }

    /// Adds every value of `other` (the layouts always match, so nothing is approximated).
    public mutating func merge(_ other: ClampingHistogram) {
        guard other.count > 0 else { return }
        clampedCount &+= other.clampedCount
        storage.add(other.storage) // grows (autoResize) when the other side saw larger values
    }

    /// Values recorded.
    public var count: UInt64 { storage.totalCount }

    /// Whether nothing was recorded.
    public var isEmpty: Bool { count == 0 }

    /// The largest value recorded (exact, not rounded to its bucket); 0 when empty.
    public var max: UInt64 { storage.maxRecorded }

    /// The smallest value recorded, to within bucket precision; 0 when empty.
    public var min: UInt64 { isEmpty ? 0 : storage.min }

    /// The mean, from bucket midpoints (within the histogram's 0.1% precision); 0 when empty.
    public var mean: Double { storage.mean }

    /// The value at `percentile` (0–100), the upper edge of its bucket, never above `max`; 0 when empty.
    public func value(atPercentile percentile: Double) -> UInt64 {
        isEmpty ? 0 : storage.valueAtPercentile(percentile)
    }

    /// How many recorded values are at or above `value`, to within bucket precision (0 when empty).
    public func count(atLeast value: UInt64) -> UInt64 {
        guard !isEmpty, value <= storage.maxRecorded else { return 0 }
        return storage.count(within: value...storage.maxRecorded)
    }

    /// The underlying HDR histogram (auto-resizing; values above `highestTrackableValue` never reach it).
    public var histogram: Histogram<UInt64> { storage }

    /// HdrHistogram's percentile-distribution text (the `.hgrm` format HDR plotters read), values divided
    /// by `valueUnitScalingRatio` (1000 turns nanoseconds into microseconds).
    public func percentileDistribution(valueUnitScalingRatio: Double, ticksPerHalfDistance: Int = 5) -> String {
        var text = ""
        histogram.outputPercentileDistribution(
            to: &text, outputValueUnitScalingRatio: valueUnitScalingRatio, percentileTicksPerHalfDistance: ticksPerHalfDistance
        )
        return text
    }
}

extension ClampingHistogram: Equatable {
    /// Equal when both hold the same counts in the same buckets (however far each has grown), the
    /// same exact maximum, and the same ceiling and clamp count.
    public static func == (lhs: ClampingHistogram, rhs: ClampingHistogram) -> Bool {
        guard lhs.highestTrackableValue == rhs.highestTrackableValue, lhs.clampedCount == rhs.clampedCount,
              lhs.count == rhs.count, lhs.max == rhs.max else { return false }
        return lhs.isEmpty || lhs.storage == rhs.storage
    }
}

extension ClampingHistogram: Codable {
    private enum CodingKeys: String, CodingKey {
        case significantDigits, highestTrackableValue, clamped, max, buckets
    }

    /// Writes the non-empty buckets only, as one string of `value:count` pairs separated by spaces
    /// (`"48127:3 49151:1"`). The dense form is 33,792 counts per histogram, nearly all zero; an array
    /// of pairs, pretty-printed, spends four lines on each bucket and made a two-client JSON result a
    /// megabyte.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(3, forKey: .significantDigits)
        try container.encode(highestTrackableValue, forKey: .highestTrackableValue)
        try container.encode(clampedCount, forKey: .clamped)
        try container.encode(max, forKey: .max)
        var text = ""
        if !isEmpty {
            for bucket in storage.recordedValues() {
                if !text.isEmpty { text += " " }
                text += "\(bucket.value):\(bucket.count)"
            }
        }
        try container.encode(text, forKey: .buckets)
    }

    /// Rebuilds the same buckets; the exact maximum is restored so `max` survives a round trip.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let digits = try container.decode(Int.self, forKey: .significantDigits)
        guard digits == 3 else {
            throw DecodingError.dataCorruptedError(
                forKey: .significantDigits, in: container,
                debugDescription: "histogram has \(digits) significant digits; lockbench reads only 3"
            )
        }
        let highest = try container.decode(UInt64.self, forKey: .highestTrackableValue)
        guard highest >= 2 else {
            throw DecodingError.dataCorruptedError(forKey: .highestTrackableValue, in: container, debugDescription: "ceiling must be at least 2, got \(highest)")
        }
        self.init(highestTrackableValue: highest)
        let maxValue = try container.decode(UInt64.self, forKey: .max)
        let text = try container.decode(String.self, forKey: .buckets)
        var rebuilt = Self.makeStorage()
        for pair in text.split(separator: " ") {
            let parts = pair.split(separator: ":")
            guard parts.count == 2, let value = UInt64(parts[0]), let count = UInt64(parts[1]) else {
                throw DecodingError.dataCorruptedError(forKey: .buckets, in: container, debugDescription: "bucket entry '\(pair)' is not value:count")
            }
            let exact = Self.exactValue(value, max: maxValue, in: rebuilt)
            guard exact <= maxValue, rebuilt.record(exact, count: count) else {
                throw DecodingError.dataCorruptedError(forKey: .buckets, in: container, debugDescription: "bucket value \(value) is above the histogram's maximum \(maxValue)")
            }
        }
        storage = rebuilt
        clampedCount = try container.decode(UInt64.self, forKey: .clamped)
    }
}
