import LoadDriver
import Locks
import RedisConnection

extension ScenarioSettings {
    /// The store the target flags name: `--etcd` or `--zookeeper` endpoints, else `--target`.
    /// Never throws for a store named twice the same way (`--target etcd --etcd URL`).
    public func targetStore() throws(ScenarioSettingsError) -> LockStoreKind {
        typealias E = ScenarioSettingsError
        if !etcdEndpoints.isEmpty && !zookeeperEndpoints.isEmpty {
            throw E("--etcd and --zookeeper name two different stores: give one.", flag: "zookeeper")
        }
        let external: (kind: LockStoreKind, flag: String)? = !etcdEndpoints.isEmpty ? (.etcd, "etcd") : !zookeeperEndpoints.isEmpty ? (.zookeeper, "zookeeper") : nil
        guard let external else { return target.store }
        switch target {
        case .redis: return external.kind
        case .store(let kind, nil) where kind == external.kind: return kind
        case .store(let kind, let members?) where kind == external.kind:
            throw E("--target \(kind):\(members) starts local members, but --\(external.flag) names running ones: drop one of them.", flag: "target")
        case .store(let kind, _):
            throw E("--target \(kind) and --\(external.flag) name two different stores: give one.", flag: "target")
        }
    }

    /// The algorithm and wait the run uses: the flags given, else the store's default algorithm and the
    /// algorithm's default wait. An algorithm of another store than the target is refused.
    func resolvedStrategy() throws(ScenarioSettingsError) -> (LockAlgorithmKind, WaitStrategy.Kind) {
        let store = try targetStore()
        let algorithm = self.algorithm ?? store.defaultAlgorithm
        guard algorithm.store == store else {
            let others = LockAlgorithmKind.allCases.filter { $0.store == store }.map(\.rawValue).joined(separator: ", ")
            if store == .redis {
                throw ScenarioSettingsError(
                    "--algorithm \(algorithm) runs on \(algorithm.store.displayName), but the target is Redis: add --target \(algorithm.store) (or --\(algorithm.store) host:port for a running one), or use a Redis algorithm (\(others)).",
                    flag: "algorithm")
            }
            throw ScenarioSettingsError(
                "--algorithm \(algorithm) runs on \(algorithm.store.displayName), but --target \(target) is \(store.displayName): use --algorithm \(others) (default \(store.defaultAlgorithm)), or drop --target to run on Redis.",
                flag: "algorithm")
        }
        return (algorithm, wait ?? algorithm.defaultWait)
    }

    /// The etcd or ZooKeeper deployment, after refusing every Redis-only setting given with it (each
    /// would be silently ignored otherwise).
    func storeDeployment(_ store: LockStoreKind, client: RedisClientKind) throws(ScenarioSettingsError) -> Deployment {
        let redisOnly: [(flag: String, given: Bool)] = [
            ("server", !servers.isEmpty), ("cluster", !clusterSeeds.isEmpty), ("sentinel", !sentinels.isEmpty),
            ("master-name", masterName != nil), ("topology", topology != .standalone), ("unix", unix), ("tls", tls != nil),
            ("user", user != nil), ("password-env/--password-file", password != nil), ("db", db != 0),
            ("sentinel-user", sentinelUser != nil), ("sentinel-password-env/--sentinel-password-file", sentinelPassword != nil),
        ]
        if let flag = redisOnly.first(where: \.given)?.flag {
            throw ScenarioSettingsError(
                "--\(flag) is a Redis setting, and this run locks on \(store.displayName) (--target \(target)\(target.store == store ? "" : " / --\(store)")): drop --\(flag), or drop the \(store.displayName) target to run on Redis.",
                flag: String(flag.split(separator: "/")[0]))
        }
        if client == .hiredis {
            throw ScenarioSettingsError(
                "--client hiredis is a Redis client; \(store.displayName) runs use lockbench's own \(store.displayName) client and run once: drop --client.",
                flag: "client")
        }
        let external = store == .etcd ? etcdEndpoints : zookeeperEndpoints
        let source: StoreSource
        if external.isEmpty {
            if case .store(_, let members?) = target { source = .embedded(members: members) } else { source = .embedded(members: 1) }
        } else {
            source = .external(external)
        }
        return store == .etcd ? .etcd(source) : .zookeeper(source)
    }

    /// Whether the flags name a consensus store (without validating them): such a run has one client.
    public var namesStore: Bool { target.store != .redis || !etcdEndpoints.isEmpty || !zookeeperEndpoints.isEmpty }
}
