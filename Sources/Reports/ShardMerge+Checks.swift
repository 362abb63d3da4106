import LoadDriver

extension ShardMerge {
    /// The shards ordered by index, once they are shown to be every shard of one run: same run id,
    /// same scenario (but for each shard's slice and seed), same window, each index exactly once.
    public static func check(_ shards: [Shard]) throws(ShardMergeError) -> [Shard] {
        guard let first = shards.first else { throw ShardMergeError(.usage, "no shard given: pass each shard's output directory.") }
        for shard in shards where shard.result.scenario.shard == nil {
            throw ShardMergeError(.usage, "\(shard.path) is not a shard's result (it ran without --shard): merge only the outputs of bench run --shard I/N.")
        }
        let reference = first.result
        for shard in shards.dropFirst() {
            let result = shard.result
            if result.identity.runID != reference.identity.runID {
                throw ShardMergeError(.usage, "\(shard.path) is from run \(result.identity.runID), \(first.path) from run \(reference.identity.runID): merge only the shards of one run.")
            }
            if comparable(result.scenario) != comparable(reference.scenario) {
                throw ShardMergeError(.usage, "\(shard.path) ran a different scenario from \(first.path) (flags other than --shard differ): every shard of a run needs identical flags.")
            }
        }
        let count = reference.scenario.shard!.count
        for shard in shards where shard.result.scenario.shard!.count != count {
            throw ShardMergeError(.usage, "overlapping shard ids: \(shard.path) is shard \(shard.result.scenario.shard!) but \(first.path) is shard \(reference.scenario.shard!); shards of N=\(shard.result.scenario.shard!.count) and N=\(count) split the contenders differently.")
        }
        var byIndex: [Int: Shard] = [:]
        for shard in shards {
            let index = shard.result.scenario.shard!.index
            if let earlier = byIndex[index] {
                let same = earlier.path == shard.path ? "given twice" : "in both \(earlier.path) and \(shard.path)"
                throw ShardMergeError(.usage, "duplicate shard \(index)/\(count): \(same). Pass each shard's output once.")
            }
            byIndex[index] = shard
        }
        let missing = (0..<count).filter { byIndex[$0] == nil }
        if !missing.isEmpty {
            throw ShardMergeError(.usage, "\(byIndex.count) of \(count) shards: missing shard \(missing.map { "\($0)/\(count)" }.joined(separator: ", ")). Pass every shard's output directory.")
        }
        let windows = Set(shards.map(\.result.serverWindowStartUs))
        if windows.count > 1 {
            throw ShardMergeError(.usage, "the shards measured different windows on the server's clock (\(windows.map { $0.map(String.init) ?? "none" }.sorted().joined(separator: ", ")) µs): they did not meet at one barrier, so they are not one run.")
        }
        return (0..<count).map { byIndex[$0]! }
    }

    /// A shard's scenario without what legitimately differs between shards: its slice and its seed
    /// (both derived from the one `--shard` and `--seed`). N is checked on its own, to name the overlap.
    static func comparable(_ scenario: Scenario) -> Scenario {
        var s = scenario
        if let shard = s.shard { s.seed = shard.baseSeed }
        s.shard = nil
        return s
    }
}

/// A refused or failed `bench merge`; `kind` decides the exit code (usage 64, environment 2).
public struct ShardMergeError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case usage, environment }
    public var kind: Kind
    /// What was refused, on which files, and what to pass instead.
    public var description: String
    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
