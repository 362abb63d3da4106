import BenchMetrics

/// A driver workload's lock cycles over its window: how many per second, and the client CPU each cost.
///
/// The client's CPU is bench's own process CPU: redis-server runs in a process of its own, so nothing
/// the server does is in it. With hold 0 and no think time, an acquisition is one acquire + release
/// cycle.
public struct DriverCycles: Sendable {
    /// Acquisitions per second over the window.
    public var cyclesPerSecond: Double
    /// bench's user + system CPU per acquisition over the window, µs; `nil` without acquisitions or a
    /// process sample.
    public var clientCPUPerCycleUs: Double?

    /// The figures of one driver run.
    public init(measurements: Measurements) {
        cyclesPerSecond = measurements.acquisitionsPerSecond
        // A rate over a rate, not CPU over acquisitions: the driver samples its CPU on a 100 ms poll
        // tick after the window opens and again after it closes, so the two intervals differ by up to
        // a tick each end (±2% of a 5 s window) while the CPU rate over its own interval is steady.
        if let process = measurements.cost.client, let percent = process.cpuPercent, cyclesPerSecond > 0 {
            clientCPUPerCycleUs = percent / 100 * 1_000_000 / cyclesPerSecond
        } else {
            clientCPUPerCycleUs = nil
        }
    }
}
