/// SplitMix64 (Steele, Lea, Flood 2014): a seeded, fast, allocation-free generator for jitter and tokens.
///
/// Seeded so that a run's backoff jitter and Redlock retry delays can be replayed; not cryptographic
/// (lock tokens only need to be unique, which `LockTokenSource` guarantees, not secret).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Makes a generator; the same seed gives the same sequence.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in `0...bound` (inclusive), by multiply-shift (bias below 2^-64 · bound, irrelevant here).
    @inline(__always)
    public mutating func uniform(upTo bound: UInt64) -> UInt64 {
        if bound == 0 { return 0 }
        if bound == .max { return next() }
        return next().multipliedFullWidth(by: bound &+ 1).high
    }
}

/// Makes 128-bit lock tokens as 32 lowercase hex digits, unique per acquisition.
///
/// The high 64 bits are a per-source nonce from the system generator, so two contexts given the same
/// seed (two queues, two processes, two machines) never issue the same token; the low 64 bits are the
/// seeded SplitMix64 stream, a bijection of its counter, so one source never repeats a token within 2^64
/// draws. Unique by construction, not just with high probability per pair.
struct LockTokenSource {
    private let nonce: UInt64
    private var rng: SplitMix64

    init(seed: UInt64) {
        var system = SystemRandomNumberGenerator()
        nonce = system.next()
        rng = SplitMix64(seed: seed ^ 0x5DEE_CE66_D1CE_5EED)
    }

    /// 32 hex digits written straight into the string's storage: one allocation per token.
    mutating func next() -> String {
        let counter = rng.next()
        return String(unsafeUninitializedCapacity: 32) { out in
            Self.writeHex(nonce, into: out, at: 0)
            Self.writeHex(counter, into: out, at: 16)
            return 32
        }
    }

    private static func writeHex(_ value: UInt64, into out: UnsafeMutableBufferPointer<UInt8>, at start: Int) {
        let digits: StaticString = "0123456789abcdef"
        digits.withUTF8Buffer { d in
            for i in 0..<16 {
                out[start + i] = d[Int((value >> UInt64(60 - 4 * i)) & 0xF)]
            }
        }
    }
}
