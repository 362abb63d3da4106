import LoadDriver
import RedisConnection

/// A gate plan a user writes (`bench gate --plan FILE`): their scenarios, each with thresholds on
/// CSV metrics, judged over repeats. The format is in README "CI gate for your lock setup".
public struct UserPlan: Sendable {
    /// The file it was read from (every error and report names it).
    public var path: String
    public var scenarios: [PlanScenario]
    /// The baseline file for regression checks, as resolved against the plan's directory.
    public var baselinePath: String?
    /// That baseline, read and checked against the plan's scenarios of the same name; thresholds do
    /// not use it.
    public var baseline: GateBaseline?
}

/// One scenario of a plan: a validated `bench run` scenario, its thresholds and how they are judged.
public struct PlanScenario: Sendable {
    public var name: String
    /// Where it starts in the file.
    public var line: Int
    /// Validated by `ScenarioSettings`, as `bench run` validates its flags; its client is the first of `clients`.
    public var scenario: Scenario
    /// One client, or both interleaved (each judged on its own runs).
    public var clients: [RedisClientKind]
    /// Runs per client.
    public var repeats: Int
    /// How its thresholds are judged unless one says otherwise.
    public var aggregate: Aggregate
    public var thresholds: [PlanThreshold]
    /// An A/B pair in the same job (`compare:`): the scenario runs on its two sides, interleaved,
    /// instead of as itself.
    public var comparison: PlanComparison? = nil

    /// The scenario as `client` runs it.
    public func scenario(on client: RedisClientKind) -> Scenario {
        var run = scenario
        run.client = client
        return run
    }
}

/// A threshold of a plan and how it is judged over the repeats: latency on the median, a safety
/// count on every repeat, in the same scenario.
public struct PlanThreshold: Sendable, Hashable {
    public var expression: ThresholdExpression
    public var aggregate: Aggregate
}
