/// Overlapping holds across the grant logs of one run's shards, judged on the server's timeline.
///
/// Each interval moves by its shard's offset; the offset is only known to `± uncertainty`, so two
/// holds from shards a and b may appear to overlap by up to `ua + ub` when they did not (and holds of
/// one shard share one offset, so their relative order is exact). An overlap longer than that bound
/// is a violation; a shorter one is "uncertain". Gaps are never flagged: a gap means the holds were
/// apart on the server or the uncertainty hides an overlap of less than the bound, which is reported
/// nowhere else either.
public enum CrossShardSafety {
    /// How many of the worst overlaps the verdict keeps.
    public static let exampleLimit = 5

    public static func analyse(logs: [GrantLog]) -> CrossShardVerdict {
        var byKey: [String: [Hold]] = [:]
        for log in logs {
            for grant in log.grants {
                byKey[grant.key, default: []].append(Hold(
                    start: Double(grant.grantedUs) + log.offsetUs, end: Double(grant.endUs) + log.offsetUs,
                    shard: log.shard, uncertaintyUs: log.uncertaintyUs, grant: grant))
            }
        }
        var verdict = CrossShardVerdict()
        for key in byKey.keys.sorted() {
            let holds = byKey[key]!.sorted { $0.start < $1.start }
            for i in holds.indices {
                var j = i + 1
                // Sorted by start: once a hold starts after i ends, no later one overlaps i.
                while j < holds.count {
                    let a = holds[i], b = holds[j]
                    verdict.pairsChecked += 1
                    if b.start >= a.end { break }
                    j += 1
                    if a.shard == b.shard && a.grant.token == b.grant.token { continue }
                    verdict.record(a, b)
                }
            }
            verdict.replayFence(holds)
        }
        return verdict
    }

    struct Hold {
        var start: Double
        var end: Double
        var shard: Int
        var uncertaintyUs: Double
        var grant: GrantInterval
    }
}

/// The cross-shard safety verdict: counts, and the worst overlaps as examples.
public struct CrossShardVerdict: Codable, Sendable, Hashable {
    /// Overlaps longer than the two shards' combined offset uncertainty: two holders for certain.
    public var violations = 0
    /// Of `violations`, those between holds of different shards.
    public var crossShardViolations = 0
    /// Overlaps no longer than the combined uncertainty: possibly only clock error.
    public var uncertain = 0
    /// Fenced writes (one per hold, at its end, as the driver makes them) a resource shared by every
    /// shard would refuse: a token lower than one already written on the key, in server-timeline order.
    /// Each shard's own resource sees only its shard's writes, so this can exceed the shards' sum.
    public var staleWrites = 0
    /// Of `staleWrites`, those refused because of a higher token another shard wrote.
    public var crossShardStaleWrites = 0
    /// Comparisons made: each hold against the later-starting holds of its key up to the first that
    /// starts after it ends.
    public var pairsChecked = 0
    /// The overlaps with the largest excess over their uncertainty, worst first.
    public var worst: [CrossShardOverlap] = []

    public init() {}

    mutating func replayFence(_ holds: [CrossShardSafety.Hold]) {
        var highest: (token: Int64, shard: Int)?
        for hold in holds.sorted(by: { $0.end < $1.end }) {
            guard let token = hold.grant.fencingToken else { continue }
            guard let top = highest, token <= top.token else {
                highest = (token, hold.shard)
                continue
            }
            // Equal tokens are one holder writing again; only a lower one is stale.
            if token < top.token {
                staleWrites += 1
                if top.shard != hold.shard { crossShardStaleWrites += 1 }
            }
        }
    }

    mutating func record(_ a: CrossShardSafety.Hold, _ b: CrossShardSafety.Hold) {
        let overlap = min(a.end, b.end) - b.start
        let bound = a.shard == b.shard ? 0 : a.uncertaintyUs + b.uncertaintyUs
        guard overlap > bound else {
            uncertain += 1
            return
        }
        violations += 1
        if a.shard != b.shard { crossShardViolations += 1 }
        worst.append(CrossShardOverlap(
            key: a.grant.key, overlapUs: overlap, uncertaintyUs: bound,
            first: .init(shard: a.shard, grant: a.grant), second: .init(shard: b.shard, grant: b.grant)))
        worst.sort { $0.overlapUs - $0.uncertaintyUs > $1.overlapUs - $1.uncertaintyUs }
        if worst.count > CrossShardSafety.exampleLimit { worst.removeLast() }
    }
}

/// Two holds of one key that overlapped on the server's timeline.
public struct CrossShardOverlap: Codable, Sendable, Hashable {
    public var key: String
    /// How long both held the key, server timeline, µs.
    public var overlapUs: Double
    /// The combined offset uncertainty the overlap exceeded, µs (0 within one shard).
    public var uncertaintyUs: Double
    /// The hold that started first.
    public var first: Holder
    public var second: Holder

    /// A hold and the shard that logged it.
    public struct Holder: Codable, Sendable, Hashable {
        public var shard: Int
        public var grant: GrantInterval
    }
}

extension CrossShardVerdict: CustomStringConvertible {
    /// One line for a terminal: the counts, and the worst overlap if any.
    public var description: String {
        var text = "cross-shard safety: \(violations) violations (\(crossShardViolations) between shards), \(uncertain) uncertain, "
            + "\(staleWrites) stale fenced writes (\(crossShardStaleWrites) between shards), \(pairsChecked) pairs checked"
        if let worst = worst.first {
            text += "; worst: \(worst.key) held by shards \(worst.first.shard) and \(worst.second.shard) "
                + "for \(Int(worst.overlapUs.rounded())) µs (± \(Int(worst.uncertaintyUs.rounded())) µs)"
        }
        return text
    }
}
