/// What RedisFleet starts for an embedded deployment: the shape `--topology` names.
public enum EmbeddedTopology: Sendable, Hashable, CustomStringConvertible {
    /// Independent servers (one for standalone, N for Redlock).
    case servers(count: Int, transport: EmbeddedTransport)
    /// A cluster of `primaries` primaries with `replicas` replicas each.
    case cluster(primaries: Int, replicas: Int)
    /// One primary with `replicas` replicas and `sentinels` sentinels.
    case sentinel(replicas: Int, sentinels: Int)

    /// `servers:5`, `cluster:3x1`, `sentinel:1x2`.
    public var description: String {
        switch self {
        case .servers(let count, let transport): return "servers:\(count)\(transport == .unix ? ",unix" : "")"
        case .cluster(let p, let r): return "cluster:\(p)x\(r)"
        case .sentinel(let r, _): return "sentinel:1x\(r)"
        }
    }
}

/// The `--topology` value: which embedded deployment to start.
public enum TopologyChoice: Sendable, Hashable, CustomStringConvertible, Codable {
    /// One server, or Redlock's masters when the algorithm is `redlock` (today's default).
    case standalone
    /// `cluster:PxR`: P primaries (3...16), R replicas each (0...2).
    case cluster(primaries: Int, replicas: Int)
    /// `sentinel:1xR`: a primary with R replicas (1...4) and 3 sentinels.
    case sentinel(replicas: Int)

    /// Sentinels an embedded Sentinel deployment runs: a majority survives one lost sentinel.
    public static let sentinelCount = 3

    /// The accepted forms, for error messages and help.
    public static let forms = "standalone, cluster:PxR (e.g. cluster:3x1, P 3...16 primaries, R 0...2 replicas each) or sentinel:1xR (e.g. sentinel:1x2, R 1...4 replicas, 3 sentinels)"

    /// Parses `standalone`, `cluster:3x1`, `sentinel:1x2`.
    public init?(parsing text: String) {
        let lower = text.lowercased()
        if lower == "standalone" { self = .standalone; return }
        let parts = lower.split(separator: ":", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let shape = parts[1].split(separator: "x", omittingEmptySubsequences: false)
        guard shape.count == 2, let p = Int(shape[0]), let r = Int(shape[1]) else { return nil }
        switch parts[0] {
        case "cluster" where (3...16).contains(p) && (0...2).contains(r): self = .cluster(primaries: p, replicas: r)
        case "sentinel" where p == 1 && (1...4).contains(r): self = .sentinel(replicas: r)
        default: return nil
        }
    }

    /// The form `init(parsing:)` reads.
    public var description: String {
        switch self {
        case .standalone: return "standalone"
        case .cluster(let p, let r): return "cluster:\(p)x\(r)"
        case .sentinel(let r): return "sentinel:1x\(r)"
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = TopologyChoice(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "topology '\(text)': use \(Self.forms)"))
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
