import RedisConnection

/// Redlock's per-node key: the seam that lets the algorithm run on a cluster unchanged.
///
/// On independent masters, node i's copy of a lock is the key itself on master i. On a cluster every
/// connection reaches every primary, so the "nodes" are keys: node i's copy is a sibling of the lock
/// key (`prefix{17/n4}`) whose slot belongs to primary i. Placing it here, on the context, rather than
/// in the driver's key names or in a second algorithm keeps one Redlock: its rounds, votes and
/// validity maths are the same code on both deployments, and only the key each node's command names
/// differs (identity where the connection is not sharded). Chosen once per key (cached per context, on
/// its queue); after a resharding the copies may share a primary, which the README states.
extension LockContext {
    /// The key node `node` stores for lock `key`.
    func redlockKey(_ key: String, node: Int) -> String {
        guard let shards else { return key }
        if let placed = redlockKeys[key] { return placed[node] }
        let placed = (0..<connections.count).map { shards.key(key, onShard: $0) ?? key }
        redlockKeys[key] = placed
        return placed[node]
    }
}
