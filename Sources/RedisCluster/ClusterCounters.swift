import Synchronization

/// Redirects and retries, by kind, over every connection one `ClusterConnector` made (all lanes).
/// Atomics, not queue-confined counts: lanes run on different queues, and these events are rare enough
/// (a resharding, a failover, a bug in key naming) that a relaxed add costs nothing measurable.
public final class ClusterCounters: Sendable {
    private let moved = Atomic<Int>(0)
    private let ask = Atomic<Int>(0)
    private let tryAgain = Atomic<Int>(0)
    private let clusterDown = Atomic<Int>(0)
    private let crossSlot = Atomic<Int>(0)

    public init() {}

    func add(_ kind: ClusterRedirectKind) {
        switch kind {
        case .moved: moved.add(1, ordering: .relaxed)
        case .ask: ask.add(1, ordering: .relaxed)
        case .tryAgain: tryAgain.add(1, ordering: .relaxed)
        case .clusterDown: clusterDown.add(1, ordering: .relaxed)
        case .crossSlot: crossSlot.add(1, ordering: .relaxed)
        }
    }

    /// The counts so far.
    public var snapshot: ClusterRedirects {
        ClusterRedirects(
            moved: moved.load(ordering: .relaxed), ask: ask.load(ordering: .relaxed), tryAgain: tryAgain.load(ordering: .relaxed),
            clusterDown: clusterDown.load(ordering: .relaxed), crossSlot: crossSlot.load(ordering: .relaxed))
    }
}

/// The kinds of cluster redirect and retry a connection follows or refuses.
enum ClusterRedirectKind {
    case moved, ask, tryAgain, clusterDown, crossSlot
}

/// Counts of redirects (`MOVED`, `ASK`), retries (`TRYAGAIN`, `CLUSTERDOWN`) and commands refused
/// locally because their keys span slots (`CROSSSLOT`: a key-naming bug, never sent).
public struct ClusterRedirects: Sendable, Hashable, Codable {
    /// `MOVED` followed: the slot map was corrected and the command re-sent.
    public var moved: Int
    /// `ASK` followed: `ASKING` and the command sent to the importing node.
    public var ask: Int
    /// `TRYAGAIN` retried after a backoff.
    public var tryAgain: Int
    /// `CLUSTERDOWN` retried after a backoff.
    public var clusterDown: Int
    /// Commands refused locally, never sent, because their keys span slots.
    public var crossSlot: Int

    public init(moved: Int = 0, ask: Int = 0, tryAgain: Int = 0, clusterDown: Int = 0, crossSlot: Int = 0) {
        self.moved = moved
        self.ask = ask
        self.tryAgain = tryAgain
        self.clusterDown = clusterDown
        self.crossSlot = crossSlot
    }

    /// Counts between two snapshots.
    public static func - (a: ClusterRedirects, b: ClusterRedirects) -> ClusterRedirects {
        ClusterRedirects(moved: a.moved - b.moved, ask: a.ask - b.ask, tryAgain: a.tryAgain - b.tryAgain,
                         clusterDown: a.clusterDown - b.clusterDown, crossSlot: a.crossSlot - b.crossSlot)
    }
}
