/// What a run on a Redis Cluster adds to its figures: redirects and retries by kind, and each shard's
/// share of the work, so a hot shard shows.
public struct ClusterFigures: Codable, Sendable, Hashable {
    /// `MOVED` redirects followed (a slot changed owner: resharding, failover).
    public var moved: Int
    /// `ASK` redirects followed (a slot half-migrated).
    public var ask: Int
    /// `TRYAGAIN` retries (a multi-key command during a migration).
    public var tryAgain: Int
    /// `CLUSTERDOWN` retries (slots without a serving primary, e.g. mid-failover).
    public var clusterDown: Int
    /// Commands refused before sending because their keys span slots: a key-naming bug, never a
    /// server's doing. Must be 0.
    public var crossSlot: Int
    /// Per primary, in slot order.
    public var shards: [ShardFigures]

    public init(moved: Int, ask: Int, tryAgain: Int, clusterDown: Int, crossSlot: Int, shards: [ShardFigures]) {
        self.moved = moved
        self.ask = ask
        self.tryAgain = tryAgain
        self.clusterDown = clusterDown
        self.crossSlot = crossSlot
        self.shards = shards
    }

    /// The busiest shard's share of the window's grants (0-1), `nil` without grants.
    public var hotShardShare: Double? {
        let grants = shards.compactMap(\.grants)
        let total = grants.reduce(0, +)
        guard total > 0, let top = grants.max() else { return nil }
        return Double(top) / Double(total)
    }
}

/// One primary's share of a cluster run.
public struct ShardFigures: Codable, Sendable, Hashable {
    /// `host:port` of the primary.
    public var primary: String
    /// Slots it served when the run started.
    public var slots: Int
    /// Grants in the window on lock keys whose slot it serves; `nil` for Redlock, whose every grant
    /// spans N primaries.
    public var grants: Int?
    /// `grants` per second of window.
    public var grantsPerSecond: Double?
    /// Its server CPU (user + sys) over the window, % of one core; `nil` when INFO failed.
    public var serverCPUPercent: Double?

    public init(primary: String, slots: Int, grants: Int?, grantsPerSecond: Double?, serverCPUPercent: Double?) {
        self.primary = primary
        self.slots = slots
        self.grants = grants
        self.grantsPerSecond = grantsPerSecond
        self.serverCPUPercent = serverCPUPercent
    }
}
