import BenchMetrics

/// A latency percentile curve: the points of an HdrHistogram percentile distribution, read from a
/// `.hgrm` file or computed from a histogram in a JSON result, for the HDR plots.
public struct PercentileCurve: Sendable, Hashable {
    /// One point: the value at a percentile.
    public struct Point: Sendable, Hashable {
        /// The percentile as a fraction (0.99 for p99); below 1.
        public var fraction: Double
        /// The value at it (µs for latencies).
        public var value: Double
    }

    /// Where it came from: the run id and client when known, else the file name.
    public var source: String
    /// The run id, when the file name or the JSON result says.
    public var runID: String?
    /// The client, when known.
    public var client: String?
    /// The latency kind (`acquire`, `handoff`, …), when known.
    public var kind: String?
    /// The points, by increasing percentile; the 100th percentile is left out (it has no place on a
    /// 1/(1-p) axis) and kept as `max`.
    public var points: [Point]
    /// The largest value recorded.
    public var max: Double?
    /// Values recorded.
    public var count: UInt64?

    /// A curve with these parts.
    public init(source: String, runID: String? = nil, client: String? = nil, kind: String? = nil, points: [Point], max: Double? = nil, count: UInt64? = nil) {
        self.source = source
        self.runID = runID
        self.client = client
        self.kind = kind
        self.points = points
        self.max = max
        self.count = count
    }

    /// Parses HdrHistogram's percentile-distribution text (`Value Percentile TotalCount 1/(1-Percentile)`
    /// rows, `#[...]` footer); `nil` when the text has no such rows.
    public static func parseHgrm(_ text: String, source: String) -> PercentileCurve? {
        var points: [Point] = []
        var maxValue: Double?
        var count: UInt64?
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimming(" \t")
            if line.isEmpty || line.hasPrefix("Value") { continue }
            if line.hasPrefix("#[") {
                // `#[Max     =  1797259.263, Total count    =         1993]`
                let body = line.dropFirst(2).dropLast(line.hasSuffix("]") ? 1 : 0)
                for part in body.split(separator: ",") {
                    let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimming(" \t") }
                    guard pair.count == 2 else { continue }
                    if pair[0] == "Max" { maxValue = Double(pair[1]) }
                    if pair[0] == "Total count" { count = UInt64(pair[1]) }
                }
                continue
            }
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 3, let value = Double(fields[0]), let fraction = Double(fields[1]) else { continue }
            guard fraction < 1 else {
                if maxValue == nil { maxValue = value }
                continue
            }
            points.append(Point(fraction: fraction, value: value))
        }
        guard !points.isEmpty else { return nil }
        let named = HgrmFileName(source)
        return PercentileCurve(source: source, runID: named?.runID, client: named?.client, kind: named?.kind,
                               points: points, max: maxValue, count: count)
    }

    /// The curve of a histogram of nanoseconds, in µs (the same points `--hgrm` would write); `nil` when
    /// it is empty.
    public static func fromNanos(_ histogram: ClampingHistogram, source: String, runID: String?, client: String?, kind: String?) -> PercentileCurve? {
        guard let text = HgrmWriter.text(histogram), var curve = parseHgrm(text, source: source) else { return nil }
        curve.runID = runID
        curve.client = client
        curve.kind = kind
        return curve
    }
}

/// The parts of a name `HgrmWriter` gives a file: `<run_id>-<client>-<kind>.hgrm`, where the run id is
/// `yyyyMMdd-HHmmss-xxxx`.
struct HgrmFileName {
    var runID: String
    var client: String
    var kind: String

    init?(_ path: String) {
        var name = Substring(path.split(separator: "/").last ?? Substring(path))
        guard name.hasSuffix(".hgrm") else { return nil }
        name = name.dropLast(5)
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 5, parts[0].count == 8, parts[1].count == 6 else { return nil }
        runID = parts[0...2].joined(separator: "-")
        client = String(parts[3])
        kind = parts[4...].joined(separator: "-")
    }
}

extension StringProtocol {
    /// The text without leading and trailing characters from `set`.
    func trimming(_ set: String) -> String {
        var s = Substring(self)
        while let first = s.first, set.contains(first) { s.removeFirst() }
        while let last = s.last, set.contains(last) { s.removeLast() }
        return String(s)
    }
}
