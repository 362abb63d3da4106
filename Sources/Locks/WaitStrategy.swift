/// A whole number of milliseconds: the unit every wait and lock parameter is given, stored and printed
/// in, so a value is typed once and converted to nanoseconds only where a timer is armed.
public struct Milliseconds: Sendable, Hashable, Comparable, Codable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    public var count: Int

    public init(_ count: Int) { self.count = count }
    public init(integerLiteral value: Int) { self.count = value }

    /// For the timer wheel; a negative count (rejected by validation) reads as zero.
    public var nanos: UInt64 { UInt64(max(0, count)) &* 1_000_000 }

    /// `<n>ms`, as the CSV `wait_params` column prints it.
    public var description: String { "\(count)ms" }

    public static func < (lhs: Milliseconds, rhs: Milliseconds) -> Bool { lhs.count < rhs.count }

    public init(from decoder: any Decoder) throws { count = try decoder.singleValueContainer().decode(Int.self) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(count)
    }
}

/// How a contender waits between failed attempts, with the parameters of that strategy only.
public enum WaitStrategy: Sendable, Hashable {
    /// Retry as soon as the failed attempt's reply arrives.
    case spin
    /// Sleep a fixed delay.
    case fixed(delay: Milliseconds = defaultFixedDelay)
    /// Exponential backoff with full jitter: sleep uniform(0, min(cap, base·2^(n−1))).
    ///
    /// The defaults are sized for the cost target at 64 contenders on one key (about five commands per
    /// acquisition, see `CommandCostTests`): backoff needs ~log2(wait / base) failed attempts plus
    /// wait / (cap/2) more once at the cap, so a 1 ms base or a 50 ms cap costs about 10 at that load.
    case backoff(base: Milliseconds = defaultBackoffBase, cap: Milliseconds = defaultBackoffCap)
    /// Sleep until a release is published on the key's channel, or `fallback` passes (so a lost message
    /// or a holder that died without releasing cannot strand a waiter). `wakeAll` wakes every local
    /// waiter per message (the thundering herd) instead of the oldest one. A channel stays subscribed
    /// `linger` after its last local waiter left, so a busy key does not pay SUBSCRIBE per acquisition.
    case pubsub(fallback: Milliseconds = defaultPubSubFallback, wakeAll: Bool = false, linger: Milliseconds = defaultLinger)
    /// Take a ticket in the key's queue; the lock is handed over in arrival order. `fallback` doubles as
    /// the ticket refresh, so it is longer than pubsub's: a 64-deep queue waits longer than 200 ms. A
    /// ticket not refreshed for `ticketTTL` is abandoned and skipped at the next hand-off.
    case fifo(fallback: Milliseconds = defaultFIFOFallback, linger: Milliseconds = defaultLinger, ticketTTL: Milliseconds = defaultTicketTTL)
    /// The store queues the waiter itself (etcd, ZooKeeper): one attempt joins the queue, and the store's
    /// watch on the predecessor (or the server-side Lock RPC) ends it. Nothing is retried, so the strategy
    /// has no parameters; it is the only wait the consensus stores' recipes have.
    case watch

    /// The strategy's name, as the CLI takes it and the CSV `wait` column prints it.
    public enum Kind: String, CaseIterable, Codable, Sendable, Hashable, CustomStringConvertible {
        case spin, fixed, backoff, pubsub, fifo, watch
        public var description: String { rawValue }
    }

    public static let defaultFixedDelay: Milliseconds = 5
    public static let defaultBackoffBase: Milliseconds = 8
    public static let defaultBackoffCap: Milliseconds = 1_000
    public static let defaultPubSubFallback: Milliseconds = 200
    public static let defaultFIFOFallback: Milliseconds = 1_000
    public static let defaultLinger: Milliseconds = 1_000
    public static let defaultTicketTTL: Milliseconds = 5_000

    /// The strategy of `kind` with every parameter at its default.
    public static func defaults(_ kind: Kind) -> WaitStrategy { WaitStrategy(kind) }

    /// The strategy of `kind`, taking from the given parameters those it has (the CLI parses every wait
    /// flag, whichever strategy is chosen); `fallback` defaults per strategy.
    public init(
        _ kind: Kind, fixedDelay: Milliseconds = defaultFixedDelay, backoffBase: Milliseconds = defaultBackoffBase,
        backoffCap: Milliseconds = defaultBackoffCap, fallback: Milliseconds? = nil
    ) {
        switch kind {
        case .spin: self = .spin
        case .fixed: self = .fixed(delay: fixedDelay)
        case .backoff: self = .backoff(base: backoffBase, cap: backoffCap)
        case .pubsub: self = .pubsub(fallback: fallback ?? Self.defaultPubSubFallback)
        case .fifo: self = .fifo(fallback: fallback ?? Self.defaultFIFOFallback)
        case .watch: self = .watch
        }
    }

    public var kind: Kind {
        switch self {
        case .spin: return .spin
        case .fixed: return .fixed
        case .backoff: return .backoff
        case .pubsub: return .pubsub
        case .fifo: return .fifo
        case .watch: return .watch
        }
    }

    /// The parameters as the CSV `wait_params` column prints them, e.g. `base=1ms cap=50ms`.
    public var parameters: String {
        switch self {
        case .spin, .watch: return ""
        case .fixed(let delay): return "delay=\(delay)"
        case .backoff(let base, let cap): return "base=\(base) cap=\(cap)"
        case .pubsub(let fallback, let wakeAll, let linger): return "fallback=\(fallback) wake=\(wakeAll ? "all" : "oldest") linger=\(linger)"
        case .fifo(let fallback, let linger, let ticketTTL): return "fallback=\(fallback) ticket_ttl=\(ticketTTL) linger=\(linger)"
        }
    }

    /// Whether waiters listen on a subscriber connection (release messages or FIFO hand-offs).
    public var needsSubscriber: Bool {
        switch self {
        case .pubsub, .fifo: return true
        case .spin, .fixed, .backoff, .watch: return false
        }
    }

    /// How long a subscribed channel outlives its last local waiter (0 when nothing subscribes).
    var linger: Milliseconds {
        switch self {
        case .pubsub(_, _, let linger), .fifo(_, let linger, _): return linger
        case .spin, .fixed, .backoff, .watch: return 0
        }
    }

    /// Whether a release message wakes every local waiter rather than the oldest.
    var wakesAll: Bool {
        if case .pubsub(_, true, _) = self { return true }
        return false
    }

    /// Checks the parameters; the error names the field and what to use.
    func validate() throws(LockSpecError) {
        func fail(_ field: String, _ reason: String) -> LockSpecError { LockSpecError(field: "wait.\(field)", reason: reason) }
        switch self {
        case .spin, .watch:
            break
        case .fixed(let delay):
            guard delay.count >= 0 else { throw fail("delay", "must not be negative") }
        case .backoff(let base, let cap):
            guard base.count >= 1 else { throw fail("base", "must be at least 1 ms") }
            guard cap >= base else { throw fail("cap", "must be at least the base (\(base))") }
        case .pubsub(let fallback, _, let linger):
            guard fallback.count >= 1 else { throw fail("fallback", "must be at least 1 ms") }
            guard linger.count >= 0 else { throw fail("linger", "must not be negative") }
        case .fifo(let fallback, let linger, let ticketTTL):
            guard fallback.count >= 1 else { throw fail("fallback", "must be at least 1 ms") }
            guard linger.count >= 0 else { throw fail("linger", "must not be negative") }
            guard ticketTTL.count >= 2 * fallback.count else {
                throw fail("ticketTTL", "must be at least twice the fallback (\(fallback)), or live waiters lose their place between refreshes")
            }
        }
    }
}

extension WaitStrategy: Codable {
    // The JSON shape of the flat struct this enum replaced, so `Results/baseline.json`, report inputs and
    // fixtures written before it still decode, and new files read the same: every key is written, the
    // parameters of other strategies at their defaults.
    private enum CodingKeys: String, CodingKey {
        case kind, fixedDelayMs, backoffBaseMs, backoffCapMs, fallbackMs, wakeAll, lingerMs, ticketTtlMs
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func ms(_ key: CodingKeys, _ fallback: Milliseconds) throws -> Milliseconds {
            guard let count = try c.decodeIfPresent(Int.self, forKey: key) else { return fallback }
            return Milliseconds(count)
        }
        switch try c.decode(Kind.self, forKey: .kind) {
        case .spin:
            self = .spin
        case .watch:
            self = .watch
        case .fixed:
            self = .fixed(delay: try ms(.fixedDelayMs, Self.defaultFixedDelay))
        case .backoff:
            self = .backoff(base: try ms(.backoffBaseMs, Self.defaultBackoffBase), cap: try ms(.backoffCapMs, Self.defaultBackoffCap))
        case .pubsub:
            self = .pubsub(fallback: try ms(.fallbackMs, Self.defaultPubSubFallback),
                           wakeAll: try c.decodeIfPresent(Bool.self, forKey: .wakeAll) ?? false, linger: try ms(.lingerMs, Self.defaultLinger))
        case .fifo:
            self = .fifo(fallback: try ms(.fallbackMs, Self.defaultFIFOFallback), linger: try ms(.lingerMs, Self.defaultLinger),
                         ticketTTL: try ms(.ticketTtlMs, Self.defaultTicketTTL))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        var fixedDelay = Self.defaultFixedDelay, base = Self.defaultBackoffBase, cap = Self.defaultBackoffCap
        var fallback = Self.defaultPubSubFallback, wakeAll = false, linger = Self.defaultLinger, ticketTTL = Self.defaultTicketTTL
        switch self {
        case .spin, .watch: break
        case .fixed(let delay): fixedDelay = delay
        case .backoff(let b, let c): (base, cap) = (b, c)
        case .pubsub(let f, let w, let l): (fallback, wakeAll, linger) = (f, w, l)
        case .fifo(let f, let l, let t): (fallback, linger, ticketTTL) = (f, l, t)
        }
        try c.encode(kind, forKey: .kind)
        try c.encode(fixedDelay, forKey: .fixedDelayMs)
        try c.encode(base, forKey: .backoffBaseMs)
        try c.encode(cap, forKey: .backoffCapMs)
        try c.encode(fallback, forKey: .fallbackMs)
        try c.encode(wakeAll, forKey: .wakeAll)
        try c.encode(linger, forKey: .lingerMs)
        try c.encode(ticketTTL, forKey: .ticketTtlMs)
    }
}
