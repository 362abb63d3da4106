import Locks

#if canImport(Glibc)
import Glibc
#endif

extension TimeDistribution {
    /// Draws one value, nanoseconds.
    func sampleNanos(_ rng: inout SplitMix64) -> UInt64 {
        switch self {
        case .fixed(let us):
            return UInt64(us) * 1_000
        case .exponential(let mean):
            // Inverse CDF; 1 - u keeps log's argument in (0, 1].
            let u = Double.random(in: 0..<1, using: &rng)
            return UInt64(-log(1 - u) * Double(mean) * 1_000)
        case .uniform(let lo, let hi):
            return UInt64(Int.random(in: lo...hi, using: &rng)) * 1_000
        }
    }
}
