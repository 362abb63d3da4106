/// Raw Redlock attempt figures for one queue: the TTL-budget report is derived from these.
public struct RedlockRecorder: Codable, Sendable, Equatable {
    /// Ceiling for elapsed/TTL in parts per million: 1000× the TTL, far past any overrun worth telling apart.
    public static let ratioCeilingPPM: UInt64 = 1_000_000_000
    /// Ceiling for validity, µs (one hour).
    public static let validityCeilingMicros: UInt64 = 3_600_000_000

    /// Attempts recorded (successful or not).
    public private(set) var attempts = 0
    /// Elapsed time / TTL of every attempt, parts per million (so 1% is 10,000).
    public private(set) var elapsedTTLPPM = ClampingHistogram(highestTrackableValue: RedlockRecorder.ratioCeilingPPM)
    /// Validity margin of attempts that reached quorum, µs; an overrun's negative validity counts as 0
    /// here (its exact value is in `validityMinMs` and the overrun count).
    public private(set) var validityMicros = ClampingHistogram(highestTrackableValue: RedlockRecorder.validityCeilingMicros)
    /// Smallest validity of any attempt that reached quorum, ms (negative after an overrun); `nil` before one.
    public private(set) var validityMinMs: Double?
    /// Attempts that reached quorum (granted or overran).
    public private(set) var quorumAttempts = 0
    /// Attempts that reached quorum with validity ≤ 0.
    public private(set) var overruns = 0
    /// Attempts with no quorum where some nodes granted and some refused: nobody won.
    public private(set) var splitVotes = 0
    /// `nodesAnswered[k]`: attempts in which exactly k masters answered before the attempt was decided.
    public private(set) var nodesAnswered: [Int] = []

    /// Nothing recorded.
    public init() {}

    mutating func record(
        elapsedNanos: UInt64, ttlMs: Int, validityMs: Double, answered: Int,
        quorumReached: Bool, overrun: Bool, splitVote: Bool
    ) {
        attempts += 1
        if ttlMs > 0 {
            // elapsed ns × 10^6 / (ttl ms × 10^6 ns/ms) = elapsed ns / ttl ms, in ppm.
            elapsedTTLPPM.record(elapsedNanos / UInt64(ttlMs))
        }
        if quorumReached {
            quorumAttempts += 1
            validityMicros.record(validityMs > 0 ? UInt64((validityMs * 1_000).rounded()) : 0)
            if validityMinMs.map({ validityMs < $0 }) ?? true { validityMinMs = validityMs }
        }
        if overrun { overruns += 1 }
        if splitVote { splitVotes += 1 }
        let k = Swift.max(0, answered)
        if k >= nodesAnswered.count { nodesAnswered.append(contentsOf: repeatElement(0, count: k + 1 - nodesAnswered.count)) }
        nodesAnswered[k] += 1
    }

    /// Adds another queue's attempts.
    public mutating func merge(_ other: RedlockRecorder) {
        attempts += other.attempts
        elapsedTTLPPM.merge(other.elapsedTTLPPM)
        validityMicros.merge(other.validityMicros)
        if let theirs = other.validityMinMs, validityMinMs.map({ theirs < $0 }) ?? true { validityMinMs = theirs }
        quorumAttempts += other.quorumAttempts
        overruns += other.overruns
        splitVotes += other.splitVotes
        if other.nodesAnswered.count > nodesAnswered.count {
            nodesAnswered.append(contentsOf: repeatElement(0, count: other.nodesAnswered.count - nodesAnswered.count))
        }
        for (k, n) in other.nodesAnswered.enumerated() { nodesAnswered[k] += n }
    }
}
