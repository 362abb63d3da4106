import LoadDriver
import Locks
import RedisConnection

extension ScenarioSettings {
    /// The deployment the target flags name: `--server`, `--cluster` or `--sentinel` (at most one
    /// kind), else the embedded `--topology`.
    func deployment(for lock: LockSpec) throws(ScenarioSettingsError) -> Deployment {
        typealias E = ScenarioSettingsError
        let named = [("server", !servers.isEmpty), ("cluster", !clusterSeeds.isEmpty), ("sentinel", !sentinels.isEmpty)].filter(\.1).map(\.0)
        guard named.count <= 1 else {
            throw E("--\(named[0]) and --\(named[1]) name two different targets: give one kind (--server, --cluster or --sentinel).", flag: named[1])
        }
        if let flag = named.first, topology != .standalone {
            throw E("--topology \(topology) starts local servers, but --\(flag) names existing ones: drop one of them.", flag: "topology")
        }
        if masterName != nil, sentinels.isEmpty, topology.sentinelReplicas == nil {
            throw E("--master-name needs --sentinel host:port (the sentinels that know that name).", flag: "master-name")
        }
        if unix, topology != .standalone {
            throw E("--unix applies to standalone and Redlock servers; \(topology) listens on loopback TCP (the cluster bus and sentinels need it).", flag: "unix")
        }
        if !servers.isEmpty {
            if lock.algorithm == .redlock, servers.count != lock.redlock.nodes {
                throw E.bad("server", servers.map(\.description).joined(separator: ","),
                            "redlock with --redlock-nodes \(lock.redlock.nodes) needs that many --server values, got \(servers.count)")
            }
            return .external(servers, for: lock)
        }
        if !clusterSeeds.isEmpty { return .cluster(.external(seeds: clusterSeeds)) }
        if !sentinels.isEmpty {
            guard let masterName, !masterName.isEmpty else {
                throw E("--sentinel needs --master-name NAME: the name the sentinels monitor the primary under (SENTINEL MASTERS lists them).", flag: "master-name")
            }
            guard lock.algorithm != .redlock else {
                throw E("redlock needs independent masters; a Sentinel deployment has one primary. Use --server (one per master) or --cluster.", flag: "algorithm")
            }
            return .sentinel(.external(sentinels: sentinels, masterName: masterName))
        }
        switch topology {
        case .standalone: return .embedded(for: lock, transport: unix ? .unix : .tcp)
        case .cluster(let primaries, let replicas):
            if lock.algorithm == .redlock, lock.redlock.nodes > primaries {
                throw E("redlock with --redlock-nodes \(lock.redlock.nodes) needs that many cluster primaries; --topology \(topology) has \(primaries). Use --redlock-nodes \(primaries) or more primaries.", flag: "redlock-nodes")
            }
            return .cluster(.embedded(primaries: primaries, replicas: replicas))
        case .sentinel(let replicas):
            guard lock.algorithm != .redlock else {
                throw E("redlock needs independent masters; --topology \(topology) has one primary. Use --topology standalone (N masters) or cluster:PxR.", flag: "algorithm")
            }
            return .sentinel(.embedded(replicas: replicas, sentinels: TopologyChoice.sentinelCount))
        }
    }
}

extension TopologyChoice {
    var sentinelReplicas: Int? {
        if case .sentinel(let r) = self { return r }
        return nil
    }
}
