import RESP
import RedisConnection

/// Which primary serves each of the 16384 slots, with the primaries in a stable order (by the lowest
/// slot each owns), so "shard i" means the same node to every connection and every report.
public struct SlotMap: Sendable, Hashable {
    /// One primary and the slots it serves.
    public struct Shard: Sendable, Hashable {
        /// Where clients reach the primary.
        public var primary: Endpoint
        /// Replicas of the primary (not used for routing: locks read their own writes).
        public var replicas: [Endpoint]
        /// Inclusive slot ranges.
        public var ranges: [ClosedRange<Int>]

        public init(primary: Endpoint, replicas: [Endpoint] = [], ranges: [ClosedRange<Int>]) {
            self.primary = primary
            self.replicas = replicas
            self.ranges = ranges
        }

        /// Slots the shard serves.
        public var slotCount: Int { ranges.reduce(0) { $0 + $1.count } }
    }

    /// Primaries, ordered by their lowest slot.
    public private(set) var shards: [Shard]
    /// Slot → index in `shards`, `unassigned` where no primary serves the slot.
    private var owners: [UInt16]

    static let unassigned = UInt16.max

    /// Builds the map from shards in any order.
    public init(shards: [Shard]) {
        let ordered = shards.filter { !$0.ranges.isEmpty }.sorted { ($0.ranges.map(\.lowerBound).min() ?? 0) < ($1.ranges.map(\.lowerBound).min() ?? 0) }
        self.shards = ordered
        self.owners = Array(repeating: Self.unassigned, count: HashSlot.count)
        for (index, shard) in ordered.enumerated() {
            for range in shard.ranges where range.lowerBound >= 0 && range.upperBound < HashSlot.count {
                for slot in range { owners[slot] = UInt16(index) }
            }
        }
    }

    /// The shard serving `slot`, or `nil` when no primary serves it.
    public func shard(forSlot slot: Int) -> Int? {
        let owner = owners[slot]
        return owner == Self.unassigned ? nil : Int(owner)
    }

    /// The primary serving `slot`.
    public func primary(forSlot slot: Int) -> Endpoint? { shard(forSlot: slot).map { shards[$0].primary } }

    /// The shard serving `key`.
    public func shard(forKey key: String) -> Int? { shard(forSlot: HashSlot.slot(of: key)) }

    /// Records a `MOVED slot endpoint`: the slot now belongs to `endpoint`, a new shard when no known
    /// primary listens there. The whole map is re-read soon after; this keeps the next command right.
    public mutating func move(slot: Int, to endpoint: Endpoint) {
        guard slot >= 0, slot < HashSlot.count else { return }
        let index: Int
        if let known = shards.firstIndex(where: { $0.primary == endpoint }) {
            index = known
        } else {
            shards.append(Shard(primary: endpoint, ranges: []))
            index = shards.count - 1
        }
        owners[slot] = UInt16(index)
    }

    /// A key whose slot belongs to shard `shard`: `base` with `/n<j>` added inside its hash tag (or a tag
    /// made of the whole `base` when it has none), for the smallest `j` that lands there. Redlock's "node
    /// i" on a cluster is the copy of a lock key that lives on primary i. `nil` when the shard serves no
    /// slot.
    public func key(_ base: String, onShard shard: Int) -> String? {
        guard shard >= 0, shard < shards.count, shards[shard].slotCount > 0 else { return nil }
        let (head, tag, tail): (Substring, Substring, Substring)
        if let open = base.firstIndex(of: "{"), let close = base[open...].firstIndex(of: "}"), base.index(after: open) < close {
            (head, tag, tail) = (base[..<open], base[base.index(after: open)..<close], base[base.index(after: close)...])
        } else {
            (head, tag, tail) = ("", Substring(base), "")
        }
        // Each candidate lands on a shard with probability about 1/shards: a few hundred tries suffice
        // unless the shard serves almost no slot, in which case the search is bounded by the slot count.
        for j in 0..<(HashSlot.count * 8) {
            let candidateTag = "\(tag)/n\(j)"
            if self.shard(forSlot: HashSlot.slot(of: candidateTag)) == shard {
                return "\(head){\(candidateTag)}\(tail)"
            }
        }
        return nil
    }
}
