/// How much of the TTL Redlock acquisition ate, and how often it left too little or nothing.
public struct RedlockBudget: Codable, Sendable, Hashable {
    /// Attempts measured.
    public var attempts: Int
    /// Median elapsed/TTL, percent.
    public var elapsedTTLP50Pct: Double
    /// 99th percentile elapsed/TTL, percent.
    public var elapsedTTLP99Pct: Double
    /// Largest elapsed/TTL, percent.
    public var elapsedTTLMaxPct: Double
    /// Attempts that reached quorum (granted or overran).
    public var quorumAttempts: Int
    /// Smallest validity left after reaching quorum, ms (negative after an overrun); `nil` if none did.
    public var validityMinMs: Double?
    /// 1st percentile of validity after reaching quorum, ms (0 when more than 1% overran); `nil` if none did.
    public var validityP1Ms: Double?
    /// Quorum reached with validity ≤ 0: the attempt ate the whole TTL.
    public var overruns: Int
    /// No quorum with votes split between contenders: nobody won.
    public var splitVotes: Int
    /// Mean masters that answered before an attempt was decided.
    public var nodesAnsweredMean: Double?
    /// `nodesAnswered[k]`: attempts in which exactly k masters answered.
    public var nodesAnswered: [Int]

    /// The budget from raw attempts; `nil` when there were none (not a Redlock run).
    public init?(_ raw: RedlockRecorder) {
        guard raw.attempts > 0 else { return nil }
        func pct(_ ppm: UInt64) -> Double { Double(ppm) / 10_000 }
        attempts = raw.attempts
        elapsedTTLP50Pct = pct(raw.elapsedTTLPPM.value(atPercentile: 50))
        elapsedTTLP99Pct = pct(raw.elapsedTTLPPM.value(atPercentile: 99))
        elapsedTTLMaxPct = pct(raw.elapsedTTLPPM.max)
        quorumAttempts = raw.quorumAttempts
        validityMinMs = raw.validityMinMs
        validityP1Ms = raw.validityMicros.isEmpty ? nil : Double(raw.validityMicros.value(atPercentile: 1)) / 1_000
        overruns = raw.overruns
        splitVotes = raw.splitVotes
        let answeredTotal = raw.nodesAnswered.enumerated().reduce(0) { $0 + $1.offset * $1.element }
        let counted = raw.nodesAnswered.reduce(0, +)
        nodesAnsweredMean = counted > 0 ? Double(answeredTotal) / Double(counted) : nil
        nodesAnswered = raw.nodesAnswered
    }
}
