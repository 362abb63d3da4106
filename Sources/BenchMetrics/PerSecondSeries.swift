/// What happened in each second of the measurement window, indexed from the window's start: the
/// timeline behind `--timeseries-csv`. Seconds are counted by completion time.
public struct PerSecondSeries: Sendable, Hashable {
    /// Runs longer than a day fold their tail into the last second rather than grow without bound.
    public static let maxSeconds = 86_400

    /// Acquisitions granted in each second.
    public private(set) var acquisitions: [Int] = []
    /// Acquisitions that ended without the lock in each second.
    public private(set) var failed: [Int] = []
    /// Errors (of any kind) in each second.
    public private(set) var errors: [Int] = []
    /// The slowest acquisition granted in each second, ns.
    public private(set) var maxAcquireNanos: [UInt64] = []
    // Per second, `CoarseLatencyBuckets.count` counts, flattened.
    private var sketch: [UInt32] = []

    /// An empty series.
    public init() {}

    /// Seconds covered so far (the last one may be partial).
    public var seconds: Int { acquisitions.count }

    @inline(__always)
    private mutating func ensure(_ second: Int) {
        guard second >= acquisitions.count else { return }
        let grow = second + 1 - acquisitions.count
        acquisitions.append(contentsOf: repeatElement(0, count: grow))
        failed.append(contentsOf: repeatElement(0, count: grow))
        errors.append(contentsOf: repeatElement(0, count: grow))
        maxAcquireNanos.append(contentsOf: repeatElement(0, count: grow))
        sketch.append(contentsOf: repeatElement(0, count: grow * CoarseLatencyBuckets.count))
    }

    @inline(__always)
    mutating func recordAcquisition(second: Int, latencyNanos: UInt64) {
        ensure(second)
        acquisitions[second] &+= 1
        if latencyNanos > maxAcquireNanos[second] { maxAcquireNanos[second] = latencyNanos }
        sketch[second * CoarseLatencyBuckets.count + CoarseLatencyBuckets.index(latencyNanos)] &+= 1
    }

    @inline(__always)
    mutating func recordFailure(second: Int) {
        ensure(second)
        failed[second] &+= 1
    }

    @inline(__always)
    mutating func recordError(second: Int) {
        ensure(second)
        errors[second] &+= 1
    }

    /// Adds another series second by second (index 0 is each one's window start).
    public mutating func merge(_ other: PerSecondSeries) {
        guard other.seconds > 0 else { return }
        ensure(other.seconds - 1)
        for s in 0..<other.seconds {
            acquisitions[s] += other.acquisitions[s]
            failed[s] += other.failed[s]
            errors[s] += other.errors[s]
            maxAcquireNanos[s] = Swift.max(maxAcquireNanos[s], other.maxAcquireNanos[s])
        }
        for i in other.sketch.indices { sketch[i] &+= other.sketch[i] }
    }

    /// The acquire latency at `percentile` (0–100) among acquisitions granted in `second`, ns: the
    /// upper edge of a coarse bucket (within 12.5% above the true value), never above that second's
    /// maximum; `nil` for a second without acquisitions.
    public func acquireNanos(atPercentile percentile: Double, second: Int) -> UInt64? {
        guard second >= 0, second < seconds, acquisitions[second] > 0 else { return nil }
        let total = acquisitions[second]
        let target = Swift.max(1, Int((percentile / 100 * Double(total)).rounded(.up)))
        var seen = 0
        let base = second * CoarseLatencyBuckets.count
        for bucket in 0..<CoarseLatencyBuckets.count {
            seen += Int(sketch[base + bucket])
            if seen >= target { return Swift.min(CoarseLatencyBuckets.upperEdge(bucket), maxAcquireNanos[second]) }
        }
        return maxAcquireNanos[second]
    }

    /// One second's figures, for a timeline row.
    public struct Second: Sendable, Hashable {
        /// Seconds since the window started.
        public var second: Int
        /// Acquisitions granted.
        public var acquisitions: Int
        /// Acquisitions that ended without the lock.
        public var failed: Int
        public var errors: Int
        /// Coarse p99 acquire latency (see `acquireNanos(atPercentile:second:)`), µs.
        public var acquireP99Us: Double?
        /// Slowest acquisition, µs.
        public var acquireMaxUs: Double?
    }

    /// Every second, in order.
    public var rows: [Second] {
        (0..<seconds).map { s in
            let hasAcquisitions = acquisitions[s] > 0
            return Second(
                second: s, acquisitions: acquisitions[s], failed: failed[s], errors: errors[s],
                acquireP99Us: acquireNanos(atPercentile: 99, second: s).map { Double($0) / 1_000 },
                acquireMaxUs: hasAcquisitions ? Double(maxAcquireNanos[s]) / 1_000 : nil
            )
        }
    }
}

extension PerSecondSeries: Codable {
    private enum CodingKeys: String, CodingKey {
        case acquisitions, failed, errors, maxAcquireNanos, sketch
    }

    /// Writes the sketch's non-empty buckets as one string of `second:bucket:count` triples separated
    /// by spaces, for the same reason `ClampingHistogram` does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(acquisitions, forKey: .acquisitions)
        try container.encode(failed, forKey: .failed)
        try container.encode(errors, forKey: .errors)
        try container.encode(maxAcquireNanos, forKey: .maxAcquireNanos)
        var text = ""
        for (i, n) in sketch.enumerated() where n > 0 {
            if !text.isEmpty { text += " " }
            text += "\(i / CoarseLatencyBuckets.count):\(i % CoarseLatencyBuckets.count):\(n)"
        }
        try container.encode(text, forKey: .sketch)
    }

    /// Reads what `encode(to:)` wrote.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        acquisitions = try container.decode([Int].self, forKey: .acquisitions)
        failed = try container.decode([Int].self, forKey: .failed)
        errors = try container.decode([Int].self, forKey: .errors)
        maxAcquireNanos = try container.decode([UInt64].self, forKey: .maxAcquireNanos)
        let n = acquisitions.count
        guard failed.count == n, errors.count == n, maxAcquireNanos.count == n else {
            throw DecodingError.dataCorruptedError(forKey: .acquisitions, in: container, debugDescription: "per-second arrays differ in length")
        }
        sketch = Array(repeating: 0, count: n * CoarseLatencyBuckets.count)
        for entry in try container.decode(String.self, forKey: .sketch).split(separator: " ") {
            let parts = entry.split(separator: ":")
            guard parts.count == 3, let second = Int(parts[0]), let bucket = Int(parts[1]), let count = UInt32(parts[2]),
                  (0..<n).contains(second), (0..<CoarseLatencyBuckets.count).contains(bucket) else {
                throw DecodingError.dataCorruptedError(forKey: .sketch, in: container, debugDescription: "bad sketch entry '\(entry)'")
            }
            sketch[second * CoarseLatencyBuckets.count + bucket] = count
        }
    }
}
