import RedisConnection

/// Who is who in a fleet that runs as one Redis Cluster: each node's id, role and hash slots.
///
/// Built from `CLUSTER NODES` as the nodes report it, and keyed by fleet index, so a test or a chaos
/// step can say "kill the primary that owns slot 42" and then `fleet.kill(index)`.
public struct ClusterLayout: Sendable, Hashable, CustomStringConvertible {
    /// Redis Cluster's fixed number of hash slots.
    public static let slotCount = 16_384

    /// A node's place in the cluster.
    public enum Role: String, Sendable, Hashable, CustomStringConvertible {
        case primary
        case replica

        public var description: String { rawValue }
    }

    /// One node as the cluster sees it.
    public struct Node: Sendable, Hashable {
        /// The node's index in the fleet (`fleet.endpoints[index]`, `fleet.kill(index)`).
        public var index: Int
        public var endpoint: Endpoint
        /// The 40-hex-digit id the cluster knows it by (`CLUSTER MYID`).
        public var id: String
        public var role: Role
        /// The slot ranges it serves; empty for a replica (and for a primary that gave all its slots away).
        public var slots: [ClosedRange<Int>]
        /// For a replica, the fleet index of the primary it replicates.
        public var replicaOf: Int?

        public init(index: Int, endpoint: Endpoint, id: String, role: Role, slots: [ClosedRange<Int>], replicaOf: Int?) {
            self.index = index
            self.endpoint = endpoint
            self.id = id
            self.role = role
            self.slots = slots
            self.replicaOf = replicaOf
        }
    }

    /// Every node, by fleet index.
    public var nodes: [Node]

    public init(nodes: [Node]) {
        self.nodes = nodes
    }

    /// The nodes that are primaries, in fleet order.
    public var primaries: [Node] { nodes.filter { $0.role == .primary } }

    /// The replicas of the primary at fleet index `primary`.
    public func replicas(of primary: Int) -> [Node] {
        nodes.filter { $0.replicaOf == primary }
    }

    /// The primary serving `slot`, or `nil` when no node claims it.
    public func owner(ofSlot slot: Int) -> Node? {
        nodes.first { $0.role == .primary && $0.slots.contains { $0.contains(slot) } }
    }

    /// Whether the primaries' ranges cover every slot exactly once.
    public var coversEverySlotOnce: Bool {
        var seen = [Bool](repeating: false, count: Self.slotCount)
        for node in primaries {
            for range in node.slots {
                for slot in range {
                    guard (0..<Self.slotCount).contains(slot), !seen[slot] else { return false }
                    seen[slot] = true
                }
            }
        }
        return !seen.contains(false)
    }

    /// One line per node: index, role, endpoint, id, then slot ranges or the primary it follows.
    public var description: String {
        nodes.map { node in
            let detail: String
            switch node.role {
            case .primary: detail = "slots " + Self.describe(node.slots)
            case .replica: detail = "replica of node \(node.replicaOf.map(String.init) ?? "?")"
            }
            return "node \(node.index) \(node.role) \(node.endpoint) \(node.id) \(detail)"
        }.joined(separator: "\n")
    }

    /// `0-5460,5462`: ranges as Redis prints them.
    public static func describe(_ ranges: [ClosedRange<Int>]) -> String {
        ranges.isEmpty ? "none"
            : ranges.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ",")
    }

    /// `ranges` sorted, with touching ranges joined: nodes list a migrated slot on its own, and two
    /// views of the same ownership must compare equal.
    public static func merged(_ ranges: [ClosedRange<Int>]) -> [ClosedRange<Int>] {
        var result: [ClosedRange<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, range.lowerBound <= last.upperBound + 1 {
                result[result.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }

    /// The slots split into `primaries` contiguous ranges whose sizes differ by at most one, as
    /// `redis-cli --cluster create` splits them.
    public static func evenSlotRanges(primaries: Int) -> [ClosedRange<Int>] {
        precondition(primaries >= 1, "a cluster needs at least one primary")
        return (0..<primaries).map { i in (i * slotCount / primaries)...((i + 1) * slotCount / primaries - 1) }
    }
}
