import LoadDriver
import Stats

/// One client's figures divided by the other's, on the same scenario (`--client both`). A ratio
/// measured in one run is the only comparison that survives run-to-run noise on a shared machine
/// (Results/README.md gives this machine's).
public struct ClientRatio: Codable, Sendable, Hashable {
    /// The client whose figures are divided (`native`).
    public var numerator: String
    /// The client whose figures divide them (`hiredis`).
    public var denominator: String
    /// Throughput ratio: above 1 means the numerator served more acquisitions per second.
    public var acquisitionsPerSecond: Double?
    /// Acquire p50 ratio: below 1 means the numerator was faster.
    public var acquireP50: Double?
    /// Acquire p99 ratio.
    public var acquireP99: Double?
    /// Acquire p99.9 ratio.
    public var acquireP999: Double?
    /// Client CPU per acquisition ratio: below 1 means the numerator is cheaper.
    public var clientCPUPerAcquisition: Double?
    /// Server commands per acquisition ratio (should be 1: both clients send the same commands).
    public var serverCommandsPerAcquisition: Double?

    /// `a` over `b`; `nil` unless they ran the same scenario on two different clients.
    public init?(_ a: RunResult, over b: RunResult) {
        guard a.scenario.client != b.scenario.client else { return nil }
        var sa = a.scenario
        sa.client = b.scenario.client
        guard sa == b.scenario else { return nil }
        numerator = a.scenario.client.rawValue
        denominator = b.scenario.client.rawValue
        let ma = a.measurements
        let mb = b.measurements
        acquisitionsPerSecond = Statistics.ratio(ma.acquisitionsPerSecond, mb.acquisitionsPerSecond)
        acquireP50 = Statistics.ratio(ma.acquire?.p50Us, mb.acquire?.p50Us)
        acquireP99 = Statistics.ratio(ma.acquire?.p99Us, mb.acquire?.p99Us)
        acquireP999 = Statistics.ratio(ma.acquire?.p999Us, mb.acquire?.p999Us)
        clientCPUPerAcquisition = Statistics.ratio(ma.cost.clientCPUPerAcquisitionUs, mb.cost.clientCPUPerAcquisitionUs)
        serverCommandsPerAcquisition = Statistics.ratio(ma.cost.serverCommandsPerAcquisition, mb.cost.serverCommandsPerAcquisition)
    }
}
