import LoadDriver

/// How a run is shared among load generators, as given: `--shard`, `--run-id`, `--barrier-timeout`,
/// and the Indexed Job's environment.
public struct ShardSettings: Sendable {
    /// `--shard I/N`; `nil`: read `JOB_COMPLETION_INDEX`/`JOB_COMPLETIONS` from `environment`.
    public var shard: String?
    /// `--run-id`; `nil`: generated (unsharded) or derived from the seed and target (sharded).
    public var runID: String?
    public var barrierTimeout = "30s"
    public var environment: [String: String] = [:]

    public init(shard: String? = nil, runID: String? = nil, barrierTimeout: String = "30s", environment: [String: String] = [:]) {
        self.shard = shard
        self.runID = runID
        self.barrierTimeout = barrierTimeout
        self.environment = environment
    }
}

extension ScenarioSettings {
    /// Makes `scenario` this process's shard when `--shard` or the Indexed Job environment asks for one,
    /// and returns the run id every shard shares (`nil`: unsharded without `--run-id`, so the caller
    /// makes a fresh one). The shard's seed is derived from `--seed` (or from the run id when only it
    /// is given); the run id from `--run-id`, else from the seed, N and the target
    /// (`ShardSpec.derivedRunID`), so identical flags on every pod meet under one key prefix.
    public func applySharding(_ given: ShardSettings, to scenario: inout Scenario) throws(ScenarioSettingsError) -> String? {
        let parsed: (index: Int, count: Int)?
        do {
            if let text = given.shard { parsed = try ShardSpec.parse(text) } else { parsed = try ShardSpec.fromEnvironment(given.environment) }
        } catch {
            throw ScenarioSettingsError(error.description, flag: "shard")
        }
        let timeoutS = try Self.fixedMs("barrier-timeout", given.barrierTimeout, min: 1) / 1_000
        guard let (index, count) = parsed else { return given.runID }
        if scenario.deployment.store != .redis {
            throw ScenarioSettingsError(
                "--shard \(index)/\(count): the shards meet at a barrier on a Redis server's clock, which a \(scenario.deployment.store.displayName) run has not: run it unsharded (drop --shard and JOB_COMPLETION_INDEX).",
                flag: "shard")
        }
        let target = (servers + clusterSeeds + sentinels).map(\.description).joined(separator: ",")
        guard !target.isEmpty else {
            throw ScenarioSettingsError(
                "--shard \(index)/\(count) needs a server every shard can reach: give --server, --cluster or --sentinel (embedded servers would be one per shard, so nothing would be shared).",
                flag: "shard")
        }
        guard contenders >= count else {
            throw ScenarioSettingsError("--contenders \(contenders) cannot be shared by \(count) shards: give at least one contender per shard.", flag: "contenders")
        }
        let baseSeed: UInt64
        if let seed { baseSeed = seed } else if let runID = given.runID { baseSeed = ShardSpec.derivedSeed(runID: runID) } else {
            throw ScenarioSettingsError(
                "--shard \(index)/\(count) needs --seed or --run-id, the same on every shard, so that all shards derive the same run id and key prefix.",
                flag: "shard")
        }
        let spec = ShardSpec(index: index, count: count, baseSeed: baseSeed, barrierTimeoutS: timeoutS)
        scenario.shard = spec
        scenario.seed = spec.seed
        return given.runID ?? ShardSpec.derivedRunID(seed: baseSeed, count: count, target: target)
    }
}
