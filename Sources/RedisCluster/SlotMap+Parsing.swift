import RESP
import RedisConnection

/// A slot-map reply that could not be read.
public struct SlotMapParseError: Error, Sendable, CustomStringConvertible {
    /// Which command's reply, and what in it was wrong.
    public var description: String
}

extension SlotMap {
    /// Reads a `CLUSTER SHARDS` reply (Redis 7): one entry per shard, each a map (RESP3) or a flat
    /// key/value array (RESP2) of `slots` (start/end pairs) and `nodes` (maps with `ip`, `endpoint`,
    /// `port`, `tls-port`, `role`, `health`). A node whose endpoint is `?` or empty is reached at
    /// `seedHost`; with `tls`, at its `tls-port` (a node serving both lists both, whoever asks).
    public init(shardsReply reply: RESPValue, seedHost: String, tls: Bool = false) throws(SlotMapParseError) {
        guard let entries = reply.elements else { throw SlotMapParseError(description: "CLUSTER SHARDS: not an array: \(reply)") }
        var shards: [Shard] = []
        for entry in entries {
            let fields = Self.fields(entry)
            guard let slotValues = fields["slots"]?.elements, let nodes = fields["nodes"]?.elements else {
                throw SlotMapParseError(description: "CLUSTER SHARDS: shard without slots or nodes: \(entry)")
            }
            let bounds = slotValues.compactMap { $0.integer.map(Int.init) ?? $0.string.flatMap { Int($0) } }
            guard bounds.count == slotValues.count, bounds.count % 2 == 0 else {
                throw SlotMapParseError(description: "CLUSTER SHARDS: odd or non-numeric slot bounds \(slotValues)")
            }
            let ranges = stride(from: 0, to: bounds.count, by: 2).map { bounds[$0]...bounds[$0 + 1] }
            var primary: Endpoint?
            var replicas: [Endpoint] = []
            for node in nodes {
                let f = Self.fields(node)
                func number(_ name: String) -> Int? { f[name].flatMap { $0.integer.map(Int.init) ?? $0.string.flatMap { Int($0) } } }
                guard let port = tls ? number("tls-port") ?? number("port") : number("port") else { continue }
                let host = [f["endpoint"]?.string, f["ip"]?.string].compactMap { $0 }.first { !$0.isEmpty && $0 != "?" } ?? seedHost
                let endpoint = Endpoint.tcp(host: host, port: port)
                if f["role"]?.string == "master" { primary = endpoint } else if f["health"]?.string == "online" { replicas.append(endpoint) }
            }
            // A shard whose primary failed and has no replacement yet: its slots stay unassigned, and
            // commands for them get CLUSTERDOWN from whichever node they reach.
            guard let primary, !ranges.isEmpty else { continue }
            shards.append(Shard(primary: primary, replicas: replicas, ranges: ranges))
        }
        self.init(shards: shards)
    }

    /// Reads a `CLUSTER SLOTS` reply (before Redis 7): one entry per slot range, `[start, end, primary,
    /// replica…]`, each node `[ip, port, id, …]`.
    public init(slotsReply reply: RESPValue, seedHost: String) throws(SlotMapParseError) {
        guard let entries = reply.elements else { throw SlotMapParseError(description: "CLUSTER SLOTS: not an array: \(reply)") }
        var byPrimary: [Endpoint: Shard] = [:]
        for entry in entries {
            guard let items = entry.elements, items.count >= 3, let start = items[0].integer, let end = items[1].integer,
                  let nodes = Optional(items[2...].compactMap { Self.slotsNode($0, seedHost: seedHost) }), let primary = nodes.first else {
                throw SlotMapParseError(description: "CLUSTER SLOTS: unreadable range \(entry)")
            }
            byPrimary[primary, default: Shard(primary: primary, replicas: Array(nodes.dropFirst()), ranges: [])]
                .ranges.append(Int(start)...Int(end))
        }
        self.init(shards: Array(byPrimary.values))
    }

    private static func slotsNode(_ value: RESPValue, seedHost: String) -> Endpoint? {
        guard let items = value.elements, items.count >= 2, let port = items[1].integer else { return nil }
        let host = items[0].string.flatMap { $0.isEmpty || $0 == "?" ? nil : $0 } ?? seedHost
        return .tcp(host: host, port: Int(port))
    }

    /// A RESP3 map or a RESP2 flat array of alternating names and values, by name.
    static func fields(_ value: RESPValue) -> [String: RESPValue] {
        var out: [String: RESPValue] = [:]
        if case .map(let pairs) = value {
            for pair in pairs { if let name = pair.key.string { out[name] = pair.value } }
        } else if let items = value.elements {
            for i in stride(from: 0, to: items.count - 1, by: 2) { if let name = items[i].string { out[name] = items[i + 1] } }
        }
        return out
    }
}
