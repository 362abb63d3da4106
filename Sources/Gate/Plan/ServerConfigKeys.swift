/// The `redis.conf` directives a plan's `server-config:` may set on embedded servers: persistence,
/// memory and threading choices users compare. Anything else (ports, directories, passwords, users)
/// is the fleet's own, and a password must never sit in a plan file.
enum ServerConfigKeys {
    static let allowed: [String] = [
        "appendonly", "appendfsync", "save", "no-appendfsync-on-rewrite", "aof-use-rdb-preamble",
        "auto-aof-rewrite-percentage", "auto-aof-rewrite-min-size",
        "maxmemory", "maxmemory-policy", "maxmemory-samples",
        "lazyfree-lazy-eviction", "lazyfree-lazy-expire", "lazyfree-lazy-server-del", "lazyfree-lazy-user-del",
        "io-threads", "io-threads-do-reads", "hz", "dynamic-hz", "active-expire-effort", "activedefrag",
        "maxclients", "tcp-backlog", "tcp-keepalive", "timeout", "latency-tracking", "busy-reply-threshold", "lua-time-limit",
    ]
}
