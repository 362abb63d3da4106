#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Locks
import Synchronization

/// Draws one acquisition's key from a `KeyDistribution` over `keys` keys: a few multiplications and at
/// most one `pow` per draw, no allocation, from the caller's seeded generator (so a seed replays the
/// same key sequence). `nil` for `fixed`, which draws nothing.
///
/// Rank r is key r: no YCSB-style scrambling. YCSB scrambles (FNV hash of the rank) so hot records do not
/// sit side by side in an ordered store's pages; Redis hashes every key (its dict, and CRC16 slots on a
/// cluster), so neighbouring indices share nothing, while hashing ranks modulo the key count would merge
/// ranks and no longer draw the distribution the flag names. Key 0 stays the hottest, as reports say.
public struct KeySampler: Sendable {
    enum Draw: Sendable {
        case uniform
        case zipf(Zipfian)
        /// The first `hotKeys` keys get `hotFraction` of the draws (`hotKeys == keys`: all of them).
        case hotspot(hotKeys: Int, hotFraction: Double)
    }

    /// Keys drawn from: 0..<keys.
    public let keys: Int
    let draw: Draw

    /// A sampler, `nil` for `fixed`. `keys` must be at least 1.
    public init?(_ distribution: KeyDistribution, keys: Int) {
        precondition(keys >= 1, "a key distribution needs at least one key")
        self.keys = keys
        switch distribution {
        case .fixed: return nil
        case .uniform: draw = .uniform
        case .zipf(let theta): draw = .zipf(Zipfian.cached(keys: keys, theta: theta))
        case .hotspot(let keysPct, let accessPct):
            let hot = Self.hotKeys(keys: keys, pct: keysPct)
            draw = .hotspot(hotKeys: hot, hotFraction: hot == keys ? 1 : accessPct / 100)
        }
    }

    /// YCSB's hot interval, `Int(keys × P)`, but never empty: with fewer keys than 1/P the hottest key
    /// alone is the hot set.
    static func hotKeys(keys: Int, pct: Double) -> Int {
        min(keys, max(1, Int(Double(keys) * pct / 100)))
    }

    /// The next key, in 0..<keys.
    @inline(__always)
    public func next(_ rng: inout SplitMix64) -> Int {
        switch draw {
        case .uniform:
            return Int(rng.uniform(upTo: UInt64(keys - 1)))
        case .zipf(let zipf):
            return zipf.next(unit(&rng))
        case .hotspot(let hot, let fraction):
            if hot == keys || unit(&rng) < fraction { return Int(rng.uniform(upTo: UInt64(hot - 1))) }
            return hot + Int(rng.uniform(upTo: UInt64(keys - hot - 1)))
        }
    }

    /// A uniform double in [0, 1) from the top 53 bits.
    @inline(__always)
    private func unit(_ rng: inout SplitMix64) -> Double {
        Double(rng.next() >> 11) * 0x1p-53
    }
}

/// Gray et al., "Quickly generating billion-record synthetic databases" (SIGMOD 1994), as YCSB's
/// ZipfianGenerator implements it: ranks 0 and 1 exactly, the rest by a closed-form approximation of
/// the inverse CDF. ζ(n, θ) costs n `pow` calls, so it is computed once per (keys, θ) and kept.
struct Zipfian: Sendable {
    let keys: Int
    let theta: Double
    let zetaN: Double
    let alpha: Double
    let eta: Double
    /// 1 + 0.5^θ: below it (in units of ζ) the draw is rank 1.
    let rankOneBound: Double

    init(keys: Int, theta: Double) {
        self.keys = keys
        self.theta = theta
        zetaN = Self.zeta(keys, theta)
        let zeta2 = 1 + pow(0.5, theta)
        alpha = 1 / (1 - theta)
        // With one or two keys the early returns in `next` cover every draw and eta is never used (0/0).
        eta = (1 - pow(2 / Double(keys), 1 - theta)) / (1 - zeta2 / zetaN)
        rankOneBound = zeta2
    }

    /// ζ(n, θ) = Σ_{i=1..n} 1/i^θ.
    static func zeta(_ n: Int, _ theta: Double) -> Double {
        var sum = 0.0
        for i in 1...max(1, n) { sum += 1 / pow(Double(i), theta) }
        return sum
    }

    private static let cache = Mutex<[Key: Zipfian]>([:])
    private struct Key: Hashable { var keys: Int; var theta: Double }

    /// The generator for (keys, θ), computing ζ only the first time: a sweep or a `--client both`
    /// run reuses it.
    static func cached(keys: Int, theta: Double) -> Zipfian {
        let key = Key(keys: keys, theta: theta)
        if let hit = cache.withLock({ $0[key] }) { return hit }
        let made = Zipfian(keys: keys, theta: theta)
        cache.withLock { $0[key] = made }
        return made
    }

    /// The rank for a uniform `u` in [0, 1).
    @inline(__always)
    func next(_ u: Double) -> Int {
        let uz = u * zetaN
        if uz < 1 { return 0 }
        if uz < rankOneBound { return 1 }
        return min(keys - 1, Int(Double(keys) * pow(eta * u - eta + 1, alpha)))
    }

    /// Probability of rank r under the exact distribution, 1/(r+1)^θ / ζ(n, θ).
    func probability(rank r: Int) -> Double {
        1 / pow(Double(r + 1), theta) / zetaN
    }
}

extension KeyDistribution {
    /// Each key's expected share of the acquisitions, 0...1: what a report compares the observed
    /// per-key grants with. For `fixed`, the share of contenders locking the key.
    public func expectedShares(keys: Int, contenders: Int) -> [Double] {
        guard keys > 0 else { return [] }
        switch self {
        case .fixed:
            guard contenders > 0 else { return Array(repeating: 0, count: keys) }
            return (0..<keys).map { k in Double(contenders / keys + (k < contenders % keys ? 1 : 0)) / Double(contenders) }
        case .uniform:
            return Array(repeating: 1 / Double(keys), count: keys)
        case .zipf(let theta):
            let zipf = Zipfian.cached(keys: keys, theta: theta)
            return (0..<keys).map { zipf.probability(rank: $0) }
        case .hotspot(let keysPct, let accessPct):
            let hot = KeySampler.hotKeys(keys: keys, pct: keysPct)
            guard hot < keys else { return Array(repeating: 1 / Double(keys), count: keys) }
            let q = accessPct / 100
            return (0..<keys).map { $0 < hot ? q / Double(hot) : (1 - q) / Double(keys - hot) }
        }
    }
}
