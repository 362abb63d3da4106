import LoadDriver
import RedisCluster
import RedisConnection

/// A run going on in the background while its caller acts on the servers under it: chaos kills,
/// pauses and restarts nodes while the same driver `bench run` measures with keeps the load on.
public struct LiveRun: Sendable {
    /// The run, for live queries (`waitForGrant`, `latestGrant`).
    public let load: LoadRun
    /// The servers it runs on.
    public let endpoints: [Endpoint]
    /// On a cluster, the redirects and retries its connections followed so far (a chaos step reads them
    /// around the fault it places); `nil` elsewhere.
    public let clusterCounters: ClusterCounters?
    let task: Task<Result<DriverOutcome, DriverError>, Never>

    /// Ends the run now (its window closes; holders release) and returns what it measured.
    public func finish(reason: String) async -> Result<DriverOutcome, DriverError> {
        load.interrupt(reason: reason)
        return await task.value
    }
}

extension HarnessSession {
    /// Starts `scenario` in the background and returns at once. Unlike `run`, its keys are left in
    /// place: a fault experiment checks what a run left behind before anything is cleaned up.
    public func start(_ scenario: Scenario, keyPrefix: String) async throws(HarnessError) -> LiveRun {
        let (load, endpoints, connector, _) = try await prepare(scenario, keyPrefix: keyPrefix)
        let task = Task { () -> Result<DriverOutcome, DriverError> in
            do throws(DriverError) { return .success(try await load.run()) } catch { return .failure(error) }
        }
        return LiveRun(load: load, endpoints: endpoints, clusterCounters: (connector as? ClusterConnector)?.counters, task: task)
    }
}
