/// How grants spread over the keys: the hottest key against what the scenario's `KeyDistribution`
/// expects of it. Fairness stays a per-contender figure; this one shows hot keys (and so hot shards).
public struct KeyPopularity: Sendable, Hashable {
    /// Grants in the window on each key, by key index.
    public var grantsByKey: [Int]
    /// Each key's expected share of the grants under the scenario's distribution, 0...1.
    public var expectedShares: [Double]

    /// Grants over every key.
    public var grants: Int { grantsByKey.reduce(0, +) }
    /// The key with the most grants (the lowest index on a tie); `nil` with no grant.
    public var hottestKey: Int? {
        guard grants > 0, let top = grantsByKey.max() else { return nil }
        return grantsByKey.firstIndex(of: top)
    }
    /// The hottest key's share of the grants, 0...1.
    public var hottestShare: Double? {
        hottestKey.map { Double(grantsByKey[$0]) / Double(grants) }
    }
    /// The hottest key's expected share, 0...1.
    public var hottestExpectedShare: Double? {
        hottestKey.flatMap { $0 < expectedShares.count ? expectedShares[$0] : nil }
    }
    /// Keys that got at least one grant.
    public var keysGranted: Int { grantsByKey.count { $0 > 0 } }
}

extension RunResult {
    /// Per-key grants and their expected shares; `nil` for results recorded before keys were counted.
    public var keyPopularity: KeyPopularity? {
        guard let grants = measurements.raw.grantsByKey, !grants.isEmpty else { return nil }
        let expected = scenario.keyDist.expectedShares(keys: grants.count, contenders: scenario.contenders)
        return KeyPopularity(grantsByKey: grants, expectedShares: expected)
    }
}
