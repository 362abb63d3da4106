/// The bucket layout of the per-second latency sketch: 8 linear sub-buckets per power of two from
/// 2^10 ns (~1 µs) to 2^36 ns (~69 s), plus one bucket below and one at or above.
///
/// A full HDR histogram per second would cost ~270 KB each; this costs 840 bytes and puts a percentile
/// within 12.5% of the true value (the upper edge of a bucket at most 1/8 of its octave wide), which
/// is enough to see a stall or a failover in a timeline. The exact figures come from the run's HDR
/// histograms.
enum CoarseLatencyBuckets {
    static let subBucketBits = 3
    static let subBuckets = 1 << subBucketBits
    static let lowestExponent = 10
    static let highestExponent = 36
    /// Buckets per second.
    static let count = (highestExponent - lowestExponent) * subBuckets + 2

    @inline(__always)
    static func index(_ nanos: UInt64) -> Int {
        if nanos < 1 << lowestExponent { return 0 }
        let exponent = 63 - nanos.leadingZeroBitCount
        if exponent >= highestExponent { return count - 1 }
        let sub = Int((nanos >> UInt64(exponent - subBucketBits)) & UInt64(subBuckets - 1))
        return 1 + (exponent - lowestExponent) * subBuckets + sub
    }

    /// The largest value that lands in bucket `index` (the last bucket has no edge: `UInt64.max`).
    static func upperEdge(_ index: Int) -> UInt64 {
        if index == 0 { return (1 << lowestExponent) - 1 }
        if index >= count - 1 { return .max }
        let exponent = (index - 1) / subBuckets + lowestExponent
        let sub = UInt64((index - 1) % subBuckets)
        return ((UInt64(subBuckets) + sub + 1) << UInt64(exponent - subBucketBits)) - 1
    }
}
