/// A scenario flag a sweep can vary: given a comma list (`--contenders 10,100,1000`), each value
/// becomes one coordinate of the grid.
public enum SweepAxis: String, CaseIterable, Sendable, Hashable, Codable {
    /// The store: `redis`, `etcd`, `etcd:3`, `zookeeper`, `zookeeper:3`. Each algorithm pairs only with
    /// targets of its own store; other pairs are not cells.
    case target
    /// Where the servers are: `standalone`, `cluster:PxR`, `sentinel:1xR` (embedded shapes).
    case topology
    /// `off` or `on` (`bench run --tls`; embedded servers: the run's CA). Part of the deployment, so it
    /// nests right under the topology.
    case tls
    /// Lock algorithm.
    case algorithm
    /// Wait strategy.
    case wait
    /// Client (`both` stands for native and hiredis).
    case client
    /// Contenders per key; sets `--keys` to ⌈contenders ÷ contention⌉ in each cell, so the contention
    /// stays fixed while the contenders grow (the default, 10, is `bench run`'s 400 on 40 keys).
    case contention
    /// Distinct keys (a fixed count; alternative to `contention`).
    case keys
    /// Key popularity (`--key-dist`): the fixed layout, or a key drawn per acquisition.
    case keyDist = "key-dist"
    /// Connections per server.
    case connections
    /// Pipeline limit per connection.
    case pipeline
    /// Hold time.
    case hold
    /// Think time.
    case think
    /// Lock TTL.
    case ttl
    /// Contenders: the load of a closed-loop sweep.
    case contenders
    /// Arrivals per second: the load of an open-loop ladder.
    case rate

    /// The flag, e.g. `--contenders`.
    public var flag: String { "--\(rawValue)" }

    /// Axes in the order cells nest (the last varies fastest): strategy first, the load last, so a
    /// listing reads series by series.
    public static let nesting: [SweepAxis] = [.target, .topology, .tls, .algorithm, .wait, .client, .contention, .keys, .keyDist, .connections, .pipeline, .hold, .think, .ttl, .contenders, .rate]

    /// The axes that are loads rather than series coordinates.
    public var isLoad: Bool { self == .contenders || self == .rate }
}
