import RedisConnection

/// The slot map could not be read from a node.
public struct ClusterMapError: Error, Sendable, CustomStringConvertible {
    /// Why.
    public enum Kind: Sendable {
        /// The node runs with `cluster-enabled no`: it is a standalone server.
        case notCluster(String)
        /// The connection failed.
        case transport(RedisError)
        /// The reply could not be read as a slot map.
        case unreadable(String)
    }

    public var kind: Kind
    /// The node asked.
    public var endpoint: Endpoint

    public init(_ kind: Kind, endpoint: Endpoint) {
        self.kind = kind
        self.endpoint = endpoint
    }

    /// Whether the node said it is not part of a cluster.
    public var isNotCluster: Bool {
        if case .notCluster = kind { return true }
        return false
    }

    /// What failed on which node, and what to do.
    public var description: String {
        switch kind {
        case .notCluster(let message):
            return "\(endpoint) is not a cluster node (CLUSTER SHARDS: '\(message)', cluster_enabled:0): give a cluster node as --cluster, or use --server for a standalone server"
        case .transport(let error): return "reading the slot map from \(endpoint): \(error)"
        case .unreadable(let detail): return "reading the slot map from \(endpoint): \(detail)"
        }
    }

    /// As a connect failure of the wrapped protocol.
    var redisError: RedisError {
        if case .transport(let error) = kind { return error }
        return RedisError(.handshakeFailed, endpoint: endpoint.description, detail: description)
    }
}
