/// HdrHistogram's bucket arithmetic (the same in every port): how a value maps to its index in the
/// counts array and back. hdrhistogram-swift keeps its counts array internal, so the codec recomputes
/// the index of each recorded bucket from its value.
struct BucketLayout {
    let unitMagnitude: Int
    let subBucketHalfCountMagnitude: Int
    let subBucketHalfCount: Int
    let subBucketMask: UInt64
    let leadingZeroCountBase: Int

    init(lowestDiscernibleValue: UInt64, significantDigits: Int) {
        let largestSingleUnit = 2 * Self.power10(significantDigits)
        var subBucketCountMagnitude = 0
        while (UInt64(1) << UInt64(subBucketCountMagnitude)) < largestSingleUnit { subBucketCountMagnitude += 1 }
        subBucketHalfCountMagnitude = Swift.max(subBucketCountMagnitude, 1) - 1
        let subBucketCount = 1 << subBucketCountMagnitude
        subBucketHalfCount = subBucketCount / 2
        unitMagnitude = 63 - Swift.max(lowestDiscernibleValue, 1).leadingZeroBitCount
        subBucketMask = UInt64(subBucketCount - 1) << UInt64(unitMagnitude)
        leadingZeroCountBase = 64 - unitMagnitude - subBucketHalfCountMagnitude - 1
    }

    private static func power10(_ n: Int) -> UInt64 {
        (0..<n).reduce(1) { acc, _ in acc * 10 }
    }

    func index(of value: UInt64) -> Int {
        let bucket = leadingZeroCountBase - (value | subBucketMask).leadingZeroBitCount
        let subBucket = Int(value >> UInt64(bucket + unitMagnitude))
        return ((bucket + 1) << subBucketHalfCountMagnitude) + (subBucket - subBucketHalfCount)
    }

    /// The lowest value that lands in bucket `index`.
    func value(at index: Int) -> UInt64 {
        var bucket = (index >> subBucketHalfCountMagnitude) - 1
        var subBucket = (index & (subBucketHalfCount - 1)) + subBucketHalfCount
        if bucket < 0 {
            subBucket -= subBucketHalfCount
            bucket = 0
        }
        return UInt64(subBucket) << UInt64(bucket + unitMagnitude)
    }
}
