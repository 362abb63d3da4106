import Foundation

extension IntervalLog {
    /// Reads a log written by lockbench or any HdrHistogram writer. Comment lines other than
    /// `#[StartTime: …]` and `#[BaseTime: …]` and the legend line are skipped; a malformed interval
    /// line throws with its line number. Without a `StartTime` line the first interval's start is
    /// the start time; without a `BaseTime` line, interval starts are relative when they lie more than
    /// a year before the start time (the rule Java's and Python's readers apply), else absolute.
    /// `maxValueUnitRatio` is the writer's (see `text(maxValueUnitRatio:)`): with it, each interval's
    /// exact maximum comes back from the max column; a column that does not fit the histogram is ignored.
    public init(parsing text: String, maxValueUnitRatio: Double = 1_000_000) throws {
        var startTime: Double?
        var baseTime: Double?
        var intervals: [Interval] = []
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.isEmpty || line.hasPrefix("\"StartTimestamp\"") { continue }
            if line.hasPrefix("#") {
                if let value = Self.headerSeconds(line, key: "#[StartTime:") { startTime = value }
                if let value = Self.headerSeconds(line, key: "#[BaseTime:") { baseTime = value }
                continue
            }
            intervals.append(try Self.interval(line, number: number + 1, ratio: maxValueUnitRatio))
        }
        let start = startTime ?? intervals.first?.start ?? 0
        let base = baseTime ?? (intervals.first.map { $0.start < start - 365 * 24 * 3600 } == true ? start : 0)
        self.init(startTime: start, baseTime: base, intervals: intervals)
    }

    private static func headerSeconds(_ line: Substring, key: String) -> Double? {
        guard line.hasPrefix(key) else { return nil }
        let rest = line.dropFirst(key.count).drop(while: { $0 == " " })
        return Double(rest.prefix(while: { $0.isNumber || $0 == "." }))
    }

    private static func interval(_ line: Substring, number: Int, ratio: Double) throws -> Interval {
        var fields = line.split(separator: ",", omittingEmptySubsequences: false)
        var tag: String?
        if let first = fields.first, first.hasPrefix("Tag=") {
            tag = String(first.dropFirst(4))
            fields.removeFirst()
        }
        guard fields.count == 4 else {
            throw HdrLogError("interval line has \(fields.count) fields after the tag; expected start,length,max,histogram", line: number)
        }
        guard let start = Double(fields[0]), let length = Double(fields[1]), let max = Double(fields[2]) else {
            throw HdrLogError("interval line's start, length or max ('\(fields[0])', '\(fields[1])', '\(fields[2])') is not a number", line: number)
        }
        guard let bytes = Data(base64Encoded: String(fields[3])) else {
            throw HdrLogError("interval line's histogram is not Base64", line: number)
        }
        do {
            let scaled = (max * ratio).rounded()
            let exactMax = scaled >= 0 && scaled < 0x1p63 ? UInt64(scaled) : nil
            return Interval(tag: tag, start: start, length: length, histogram: try HistogramV2Codec.decode(Array(bytes), exactMax: exactMax))
        } catch var error as HdrLogError {
            error.line = number
            throw error
        }
    }
}
