import BenchMetrics
import Foundation
import LoadDriver

/// `bench merge`: the shards of one run (`bench run --shard I/N`) made into the one result a single
/// machine running every contender would have written. Nothing is re-derived from rounded figures:
/// histograms are added bucket by bucket from the raw recorders the shards' JSON keeps, per-contender
/// counts are placed at their global indices, and every summary is computed again from the sum.
public enum ShardMerge {
    /// One shard's result and the file it came from (named in refusals).
    public struct Shard: Sendable {
        public var path: String
        public var result: RunResult
        public init(path: String, result: RunResult) {
            self.path = path
            self.result = result
        }
    }

    /// The file a shard wrote with `--json` for `argument`: the argument itself when it is a file,
    /// else `run.json` in that directory, else the directory's only `*.json`.
    public static func jsonPath(for argument: String) throws(ShardMergeError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) else {
            throw ShardMergeError(.environment, "\(argument): no such file or directory. Pass each shard's output directory (or its --json file).")
        }
        guard isDirectory.boolValue else { return argument }
        let preferred = (argument as NSString).appendingPathComponent("run.json")
        if FileManager.default.fileExists(atPath: preferred) { return preferred }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        guard names.count == 1 else {
            let found = names.isEmpty ? "no .json file" : "several .json files (\(names.joined(separator: ", ")))"
            throw ShardMergeError(.environment, "\(argument): \(found). Each shard directory needs the one JSON its shard wrote with --json (run.json), or pass the file itself.")
        }
        return (argument as NSString).appendingPathComponent(names[0])
    }

    /// Reads the shard result at each argument (see `jsonPath(for:)`).
    public static func load(_ arguments: [String]) throws(ShardMergeError) -> [Shard] {
        var shards: [Shard] = []
        for argument in arguments {
            let path = try jsonPath(for: argument)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ShardMergeError(.environment, "\(path): cannot read it. Check its permissions.")
            }
            let results: [RunResult]
            do { results = try JSONReportWriter.decode(data) } catch {
                throw ShardMergeError(.environment, "\(path): \(error.message). Pass the JSON a shard wrote with --json.")
            }
            guard results.count == 1 else {
                throw ShardMergeError(.usage, "\(path) holds \(results.count) results (--client both): run shards with one --client, then merge.")
            }
            shards.append(Shard(path: path, result: results[0]))
        }
        return shards
    }

    /// The merged run, after `check(_:)`.
    public static func merge(_ shards: [Shard]) throws(ShardMergeError) -> RunResult {
        let ordered = try check(shards)
        let first = ordered[0].result
        var scenario = first.scenario
        let spec = scenario.shard!
        scenario.shard = nil
        scenario.seed = spec.baseSeed
        var raw = QueueRecorder(contenders: scenario.contenders, keys: first.measurements.raw.grantsByKey?.count ?? 0, windowStartNanos: 0)
        if ordered.contains(where: { $0.result.measurements.raw.intervals != nil }) { raw.recordIntervals() }
        for shard in ordered {
            raw.merge(shard.result.measurements.raw, contenderOffset: shard.result.scenario.localContenders.lowerBound)
        }
        let results = ordered.map(\.result)
        // Every shard watched the same servers over the same server-clock window, so their INFO
        // deltas describe the same work: summing them would count the servers N times.
        let server = results.lazy.compactMap(\.measurements.cost.server).first
        var measurements = Measurements(
            raw: raw, windowS: results.map(\.measurements.windowS).max() ?? 0, server: server, client: clientCost(results))
        let commands = results.reduce(0.0) { sum, r in
            sum + (r.measurements.cost.clientCommandsPerAcquisition ?? 0) * Double(r.measurements.acquisitions)
        }
        if measurements.acquisitions > 0, commands > 0 {
            measurements.cost.clientCommandsPerAcquisition = commands / Double(measurements.acquisitions)
        }
        var identity = first.identity
        identity.time = results.map(\.identity.time).min() ?? identity.time
        var merged = RunResult(identity: identity, scenario: scenario, endpoints: first.endpoints, measurements: measurements)
        let partial = ordered.filter(\.result.partial)
        merged.partial = !partial.isEmpty
        if merged.partial {
            merged.partialReason = partial.map { "shard \($0.result.scenario.shard!.index): \($0.result.partialReason ?? "partial")" }.joined(separator: "; ")
        }
        let errors = ordered.compactMap { s in s.result.error.map { "shard \(s.result.scenario.shard!.index): \($0)" } }
        merged.error = errors.isEmpty ? nil : errors.joined(separator: "; ")
        merged.failovers = results.lazy.compactMap(\.failovers).first
        merged.cluster = clusterFigures(results.compactMap(\.cluster))
        merged.serverWindowStartUs = first.serverWindowStartUs
        return merged
    }

    /// The load generators together: CPU summed (every machine's cost is the client's cost), wall
    /// the longest, memory and threads summed over the processes.
    static func clientCost(_ results: [RunResult]) -> ProcessCost? {
        let costs = results.compactMap(\.measurements.cost.client)
        guard costs.count == results.count, !costs.isEmpty else { return nil }
        return ProcessCost(
            userCPUS: costs.map(\.userCPUS).reduce(0, +), systemCPUS: costs.map(\.systemCPUS).reduce(0, +),
            wallS: costs.map(\.wallS).max() ?? 0, peakRSSBytes: costs.map(\.peakRSSBytes).reduce(0, +),
            peakThreads: costs.map(\.peakThreads).reduce(0, +))
    }

    /// Redirects and retries each shard's clients met, summed; per primary, grants summed, while its
    /// slots and server CPU (the server's own, seen alike by every shard) are taken once.
    static func clusterFigures(_ figures: [ClusterFigures]) -> ClusterFigures? {
        guard var total = figures.first else { return nil }
        for other in figures.dropFirst() {
            total.moved += other.moved
            total.ask += other.ask
            total.tryAgain += other.tryAgain
            total.clusterDown += other.clusterDown
            total.crossSlot += other.crossSlot
            for theirs in other.shards {
                guard let i = total.shards.firstIndex(where: { $0.primary == theirs.primary }) else { total.shards.append(theirs); continue }
                if let grants = theirs.grants { total.shards[i].grants = (total.shards[i].grants ?? 0) + grants }
                if let rate = theirs.grantsPerSecond { total.shards[i].grantsPerSecond = (total.shards[i].grantsPerSecond ?? 0) + rate }
            }
        }
        return total
    }
}
