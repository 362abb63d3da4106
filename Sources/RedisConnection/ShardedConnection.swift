/// A connection that spreads keys over several shards (a Redis Cluster's primaries), and can name a
/// sibling of a key stored on a chosen shard. The lock layer asks it for Redlock's per-node keys: on a
/// cluster, "N independent masters" become N keys placed on N different primaries.
public protocol ShardedConnection: RedisConnection {
    /// Shards (primaries) the connection routes over, in a stable order. Read on `queue`.
    var shardCount: Int { get }
    /// A key derived from `key` whose slot belongs to shard `shard`, or `nil` when the shard serves no
    /// slot. The same inputs give the same key while the slot map is unchanged. Call on `queue`.
    func key(_ key: String, onShard shard: Int) -> String?
}
