/// The config directives each topology adds to its nodes, in one place.
///
/// A topology's directives go before the caller's `extraConfig`, so a caller's directive still wins.
/// TLS is not a topology's: every node of a fleet started with `RedisServerOptions.tls` gets
/// `tls-replication yes` and `tls-cluster yes` from `ServerConfigFile` (harmless where unused), so a
/// replica, a Sentinel or a cluster peer dials the TLS port whatever the topology.
enum TopologyConfig {
    /// What a node of a cluster runs with.
    struct Cluster: Sendable, Hashable {
        /// How long a node may be silent before the others call it failed and its replica takes over.
        var nodeTimeoutMs: Int
    }

    /// Directives for nodes that replicate one another (a primary with replicas, or cluster nodes).
    static func replication(_ options: RedisServerOptions) -> [ConfigDirective] {
        [
            // Diskless full sync with no delay: 7.0 otherwise waits 5 s for more replicas to join.
            ConfigDirective("repl-diskless-sync", "yes"),
            ConfigDirective("repl-diskless-sync-delay", "0"),
        ]
    }

    /// Directives for every node of a cluster.
    static func cluster(_ cluster: Cluster, _ options: RedisServerOptions) -> [ConfigDirective] {
        replication(options) + [
            ConfigDirective("cluster-enabled", "yes"),
            // Relative to `dir`, which is the node's own directory: each node keeps its own file, and a
            // restarted node rejoins with the identity it had.
            ConfigDirective("cluster-config-file", "nodes.conf"),
            ConfigDirective("cluster-node-timeout", String(cluster.nodeTimeoutMs)),
            // A replica may take over however long its link was down: a test that holds a primary
            // down past the validity window would otherwise leave its slots unserved.
            ConfigDirective("cluster-replica-validity-factor", "0"),
            // Replicas stay where the fleet put them, so `ClusterLayout` stays true after a failover.
            ConfigDirective("cluster-allow-replica-migration", "no"),
        ]
    }

    /// `options` with `directives` ahead of its own extras.
    static func applying(_ directives: [ConfigDirective], to options: RedisServerOptions) -> RedisServerOptions {
        var options = options
        options.extraConfig = directives + options.extraConfig
        return options
    }
}
