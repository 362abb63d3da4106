import Locks

/// One load generator of several (`bench run --shard I/N`): which contenders it runs, how its seed
/// is derived and how long it waits for the others at the start barrier. The shards of one run share
/// the run id, the key prefix and the keys, so contention really crosses machines.
public struct ShardSpec: Codable, Sendable, Hashable, CustomStringConvertible {
    /// 0-based, as Kubernetes' `JOB_COMPLETION_INDEX`.
    public var index: Int
    /// Shards in the run (`JOB_COMPLETIONS`).
    public var count: Int
    /// The `--seed` every shard was given; each shard's scenario seed is derived from it (`seed(for:)`).
    public var baseSeed: UInt64
    /// How long the shard waits at the start barrier for the others, seconds.
    public var barrierTimeoutS: Double

    public init(index: Int, count: Int, baseSeed: UInt64, barrierTimeoutS: Double = ShardSpec.defaultBarrierTimeoutS) {
        precondition(count >= 1 && (0..<count).contains(index), "shard \(index)/\(count) is outside 0..<count")
        self.index = index
        self.count = count
        self.baseSeed = baseSeed
        self.barrierTimeoutS = barrierTimeoutS
    }

    /// Long enough for pods of an Indexed Job to be scheduled and pull an image already on the nodes.
    public static let defaultBarrierTimeoutS = 30.0

    /// `I/N`.
    public var description: String { "\(index)/\(count)" }

    /// The global contender indices this shard runs, of `total`: a contiguous slice, sizes differing by
    /// at most one, so every contender runs on exactly one shard whatever N is.
    public func contenders(of total: Int) -> Range<Int> {
        (index * total / count)..<((index + 1) * total / count)
    }

    /// This shard's seed: the base seed mixed with the index, so shards draw different tokens, jitter
    /// and holds while one `--seed` reproduces them all.
    public var seed: UInt64 {
        var mix = SplitMix64(seed: baseSeed ^ (UInt64(index) &* 0xA24B_AED4_963E_E407))
        return mix.next()
    }

    /// Parses `I/N` (0 ≤ I < N); the error names the flag and the form.
    public static func parse(_ text: String, flag: String = "--shard") throws(ShardSpecError) -> (index: Int, count: Int) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw ShardSpecError("\(flag) '\(text)' is invalid: use I/N, e.g. 0/4 (I is 0-based, as JOB_COMPLETION_INDEX).")
        }
        guard count >= 1 else { throw ShardSpecError("\(flag) '\(text)' is invalid: N (shards) must be at least 1.") }
        guard (0..<count).contains(index) else {
            throw ShardSpecError("\(flag) '\(text)' is invalid: I must be 0...\(count - 1) (0-based, as JOB_COMPLETION_INDEX).")
        }
        return (index, count)
    }

    /// `I/N` from an Indexed Job's environment (`JOB_COMPLETION_INDEX`, `JOB_COMPLETIONS`), or `nil`
    /// when the index is unset: the caller then runs unsharded.
    public static func fromEnvironment(_ environment: [String: String]) throws(ShardSpecError) -> (index: Int, count: Int)? {
        guard let index = environment["JOB_COMPLETION_INDEX"] else { return nil }
        guard let count = environment["JOB_COMPLETIONS"] else {
            throw ShardSpecError("JOB_COMPLETION_INDEX is set (\(index)) but JOB_COMPLETIONS is not: set it to the Job's completions, or pass --shard I/N.")
        }
        return try parse("\(index)/\(count)", flag: "JOB_COMPLETION_INDEX/JOB_COMPLETIONS")
    }

    /// A run id every shard derives alike when none is given: FNV-1a of the base seed, the shard
    /// count and the target, so the same flags on every pod meet under one prefix.
    public static func derivedRunID(seed: UInt64, count: Int, target: String) -> String {
        let hex = String(fnv1a("\(seed) \(count) \(target)"), radix: 16)
        return "shard-" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// A base seed derived from a given run id when no `--seed` is (FNV-1a of the id).
    public static func derivedSeed(runID: String) -> UInt64 {
        fnv1a(runID)
    }

    // FNV-1a, not Hasher: Swift's hash is seeded per process, and every pod must get the same value.
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }
}

/// A refused `--shard` (or Indexed Job environment); the message names what to fix.
public struct ShardSpecError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
