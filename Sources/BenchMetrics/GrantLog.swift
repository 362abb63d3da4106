/// One shard's (or one unsharded run's) granted acquisitions, with the clock offset that maps them onto
/// the server's timeline. Written as JSON lines by `--grants-log`: a header line, then one line per grant.
public struct GrantLog: Codable, Sendable, Hashable {
    /// 0 for an unsharded run.
    public var shard: Int
    public var shards: Int
    /// Server time minus this shard's wall clock, µs: `server = wall + offsetUs`. 0 unsharded.
    public var offsetUs: Double
    /// The true offset lies within `offsetUs ± uncertaintyUs` (half the best `TIME` round trip).
    public var uncertaintyUs: Double
    public var grants: [GrantInterval]

    public init(shard: Int, shards: Int, offsetUs: Double, uncertaintyUs: Double, grants: [GrantInterval]) {
        self.shard = shard
        self.shards = shards
        self.offsetUs = offsetUs
        self.uncertaintyUs = uncertaintyUs
        self.grants = grants
    }
}

/// One hold, on the shard's own wall clock (µs since the epoch). The hold runs from when the grant
/// reply was seen to when the holder stopped using the resource (before its release was sent), so a
/// correct lock leaves these intervals disjoint on the server's timeline.
public struct GrantInterval: Codable, Sendable, Hashable {
    public var key: String
    /// The lock's stored value, unique per acquisition: it tells holders apart.
    public var token: String
    /// `fenced` only.
    public var fencingToken: Int64?
    public var grantedUs: Int64
    /// The end of the hold; a hold still open when the run stopped ends at the drain.
    public var endUs: Int64
    /// When the lease stops being safe to use (grant + validity), same clock.
    public var validUntilUs: Int64

    public init(key: String, token: String, fencingToken: Int64?, grantedUs: Int64, endUs: Int64, validUntilUs: Int64) {
        self.key = key
        self.token = token
        self.fencingToken = fencingToken
        self.grantedUs = grantedUs
        self.endUs = endUs
        self.validUntilUs = validUntilUs
    }
}
