import RedisConnection

/// One line of `CLUSTER NODES`: how the answering node sees one member of the cluster.
///
/// `CLUSTER NODES` rather than `CLUSTER SHARDS`: it is one text reply on every version since 3.0,
/// it carries the flags (`fail?`, `handshake`) that say whether the view has settled, and it lists
/// slots in migration, which `CLUSTER SHARDS` leaves out.
struct ClusterNodesEntry: Sendable, Hashable {
    var id: String
    var port: Int
    var flags: Set<String>
    /// The id of the primary it replicates; `nil` for a primary.
    var primaryID: String?
    var linkConnected: Bool
    var slots: [ClosedRange<Int>]

    var isPrimary: Bool { flags.contains("master") }
    /// Whether the answering node still doubts or has not finished meeting this one.
    var isSettled: Bool { flags.isDisjoint(with: ["fail", "fail?", "handshake", "noaddr"]) }

    /// Parses the reply's text; lines that do not have the 8 fixed fields are skipped.
    static func parse(_ text: String) -> [ClusterNodesEntry] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard fields.count >= 8 else { return nil }
            // `ip:port@cport[,hostname]`
            let address = fields[1].split(separator: "@").first.map(String.init) ?? fields[1]
            guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else { return nil }
            var slots: [ClosedRange<Int>] = []
            for field in fields.dropFirst(8) {
                // `[slot->-id]` and `[slot-<-id]` are migrations in progress, not ownership.
                guard !field.hasPrefix("[") else { continue }
                let bounds = field.split(separator: "-").compactMap { Int($0) }
                if bounds.count == 1 { slots.append(bounds[0]...bounds[0]) }
                if bounds.count == 2, bounds[0] <= bounds[1] { slots.append(bounds[0]...bounds[1]) }
            }
            return ClusterNodesEntry(
                id: fields[0], port: port, flags: Set(fields[2].split(separator: ",").map(String.init)),
                primaryID: fields[3] == "-" ? nil : fields[3], linkConnected: fields[7] == "connected", slots: slots)
        }
    }
}

extension ClusterLayout {
    /// The layout one node reports, mapped onto fleet indices by port; `nil` when it names a node
    /// the fleet does not have or misses one the fleet has.
    init?(entries: [ClusterNodesEntry], endpoints: [Endpoint]) {
        var indexByPort: [Int: Int] = [:]
        for (index, endpoint) in endpoints.enumerated() {
            guard case .tcp(_, let port) = endpoint else { return nil }
            indexByPort[port] = index
        }
        var indexByID: [String: Int] = [:]
        for entry in entries {
            guard let index = indexByPort[entry.port] else { return nil }
            indexByID[entry.id] = index
        }
        guard indexByID.count == endpoints.count else { return nil }
        let byIndex = Dictionary(entries.map { (indexByPort[$0.port]!, $0) }, uniquingKeysWith: { first, _ in first })
        var nodes: [Node] = []
        for (index, endpoint) in endpoints.enumerated() {
            guard let entry = byIndex[index] else { return nil }
            let replicaOf = entry.primaryID.flatMap { indexByID[$0] }
            nodes.append(Node(index: index, endpoint: endpoint, id: entry.id, role: entry.isPrimary ? .primary : .replica,
                              slots: ClusterLayout.merged(entry.slots), replicaOf: entry.isPrimary ? nil : replicaOf))
        }
        self.init(nodes: nodes)
    }
}
