import Foundation
import Histogram

/// An HdrHistogram interval log (`.hlog`, log format 1.3): a run of histograms, each covering one time
/// interval and carrying a tag, as Java's `HistogramLogWriter` writes it and `HistogramLogReader`,
/// `HistogramLogProcessor` and the Python `hdrhistogram` package read it.
///
/// Interval start times are seconds after `baseTime`; `baseTime` and `startTime` are seconds since the
/// Unix epoch. Readers take a start time more than a year below `StartTime` as relative, so writing
/// both header lines keeps relative offsets unambiguous.
public struct IntervalLog: Sendable {
    /// One interval line: `Tag=<tag>,<start>,<length>,<max>,<base64 compressed V2 histogram>`.
    public struct Interval: Sendable {
        /// The metric the histogram holds; lines without a tag read back as `nil`.
        public var tag: String?
        /// Seconds after the log's base time.
        public var start: Double
        /// Seconds the interval covers.
        public var length: Double
        public var histogram: Histogram<UInt64>

        public init(tag: String?, start: Double, length: Double, histogram: Histogram<UInt64>) {
            self.tag = tag
            self.start = start
            self.length = length
            self.histogram = histogram
        }
    }

    /// Seconds since the epoch at which the log's measurement started.
    public var startTime: Double
    /// Seconds since the epoch that interval start times count from (`startTime` unless told otherwise).
    public var baseTime: Double
    public var intervals: [Interval]

    public init(startTime: Double, baseTime: Double? = nil, intervals: [Interval] = []) {
        self.startTime = startTime
        self.baseTime = baseTime ?? startTime
        self.intervals = intervals
    }

    /// The log's text. `maxValueUnitRatio` divides each interval's max for the max column only (the
    /// histograms keep integer values): 1,000,000 is Java's default and turns nanoseconds into
    /// milliseconds, which `HistogramLogProcessor` then reports beside its own percentiles. The column
    /// holds the exact largest value (not its bucket's edge) with six decimals, so a reader given the
    /// same ratio (`init(parsing:maxValueUnitRatio:)`) gets it back to the unit.
    public func text(maxValueUnitRatio: Double = 1_000_000) -> String {
        var out = "#[Histogram log format version 1.3]\n"
        let date = Date(timeIntervalSince1970: startTime).ISO8601Format()
        out += "#[StartTime: \(Self.seconds(startTime)) (seconds since epoch), \(date)]\n"
        out += "#[BaseTime: \(Self.seconds(baseTime)) (seconds since epoch)]\n"
        out += "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n"
        for interval in intervals {
            if let tag = interval.tag { out += "Tag=\(tag)," }
            let max = Double(interval.histogram.maxRecorded) / maxValueUnitRatio
            let payload = Data(HistogramV2Codec.encodeCompressed(interval.histogram)).base64EncodedString()
            out += "\(Self.seconds(interval.start)),\(Self.seconds(interval.length)),\(String(format: "%.6f", max)),\(payload)\n"
        }
        return out
    }

    /// Java writes three decimals ("%.3f"); so do we, so both tools' logs diff cleanly.
    static func seconds(_ value: Double) -> String {
        String(format: "%.3f", value)
    }

    /// The intervals tagged `tag` (`nil`: the untagged ones) added into one histogram; `nil` when none.
    public func total(tag: String?) -> Histogram<UInt64>? {
        var sum: Histogram<UInt64>?
        for interval in intervals where interval.tag == tag {
            if sum == nil {
                sum = interval.histogram
                sum?.autoResize = true
            } else {
                sum?.add(interval.histogram)
            }
        }
        return sum
    }

    /// The tags present, in order of first appearance.
    public var tags: [String?] {
        var seen: [String?] = []
        for interval in intervals where !seen.contains(interval.tag) { seen.append(interval.tag) }
        return seen
    }
}
