import RedisConnection

/// A consensus store's members lockbench starts, or the client endpoints of one it is given.
public enum StoreSource: Codable, Sendable, Hashable, CustomStringConvertible {
    /// 1 or 3 members (etcd) or servers (ZooKeeper) on loopback, each with its own temporary data
    /// directory, stopped and removed at the end.
    case embedded(members: Int)
    /// Client endpoints of a running cluster or ensemble; only the run's own keys are deleted.
    case external([Endpoint])

    /// The member counts an embedded store may have: one, or the smallest quorum that survives a loss.
    public static let embeddedSizes = [1, 3]

    /// Members started, or endpoints given.
    public var count: Int {
        switch self {
        case .embedded(let members): return members
        case .external(let endpoints): return endpoints.count
        }
    }

    /// `embedded 3` or the endpoints, space-separated.
    public var description: String {
        switch self {
        case .embedded(let members): return "embedded \(members)"
        case .external(let endpoints): return endpoints.map(\.description).joined(separator: " ")
        }
    }
}
