import BenchMetrics
import LoadDriver
import RedisConnection

extension RunResult {
    /// The result of one driver run: every figure derived from what the driver measured, the servers'
    /// INFO deltas summed (Redlock has N), and the identity stamped with `runID`.
    init(measured: DriverOutcome, scenario: Scenario, endpoints: [Endpoint], runID: String, fallbackRedisVersion: String?) {
        var measurements = Measurements(
            raw: measured.recorder, windowS: measured.windowSeconds,
            server: ServerStatsDelta.sum(measured.serverDeltas.compactMap { $0 }), client: measured.process)
        if measurements.acquisitions > 0 {
            measurements.cost.clientCommandsPerAcquisition = Double(measured.clientCommands) / Double(measurements.acquisitions)
        }
        var identity = RunIdentity.current(redisVersion: measured.redisVersion ?? fallbackRedisVersion ?? "unknown")
        identity.runID = runID
        self.init(identity: identity, scenario: scenario, endpoints: endpoints, measurements: measurements,
                  partial: measured.partial, partialReason: measured.partialReason, error: measured.fatalError)
        if case .sentinel = scenario.deployment { failovers = measured.failovers }
        storeLiveness = measured.storeLiveness
    }
}
