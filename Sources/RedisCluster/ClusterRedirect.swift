import RedisConnection

/// A cluster error reply a client must act on instead of returning it.
enum ClusterRedirect: Equatable {
    /// `MOVED <slot> <host:port>`: the slot lives elsewhere for good.
    case moved(slot: Int, Endpoint)
    /// `ASK <slot> <host:port>`: during a migration, this one command goes to the importing node.
    case ask(slot: Int, Endpoint)
    /// `TRYAGAIN`: a multi-key command during a migration; retry later.
    case tryAgain
    /// `CLUSTERDOWN`: the cluster cannot serve the slot now (a failover in progress); retry later.
    case clusterDown

    init?(_ message: String) {
        if message.hasPrefix("TRYAGAIN") { self = .tryAgain; return }
        if message.hasPrefix("CLUSTERDOWN") { self = .clusterDown; return }
        let isMoved = message.hasPrefix("MOVED ")
        guard isMoved || message.hasPrefix("ASK ") else { return nil }
        let parts = message.split(separator: " ")
        guard parts.count >= 3, let slot = Int(parts[1]), slot >= 0, slot < HashSlot.count else { return nil }
        // `:port` alone (an empty host) means "the host you reached me on"; Endpoint parsing rejects it.
        guard let endpoint = try? Endpoint(parsing: String(parts[2].hasPrefix(":") ? "127.0.0.1" + parts[2] : parts[2])) else { return nil }
        self = isMoved ? .moved(slot: slot, endpoint) : .ask(slot: slot, endpoint)
    }

    var isTryAgain: Bool { self == .tryAgain }
}
