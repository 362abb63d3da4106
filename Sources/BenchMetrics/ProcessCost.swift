/// What the harness process itself cost over an interval.
public struct ProcessCost: Codable, Sendable, Hashable {
    /// User CPU, seconds.
    public var userCPUS: Double
    /// System CPU, seconds.
    public var systemCPUS: Double
    /// Wall-clock length of the interval, seconds.
    public var wallS: Double
    /// Peak resident set size, bytes.
    public var peakRSSBytes: Int
    /// Most threads seen.
    public var peakThreads: Int

    public init(userCPUS: Double, systemCPUS: Double, wallS: Double, peakRSSBytes: Int, peakThreads: Int) {
        self.userCPUS = userCPUS
        self.systemCPUS = systemCPUS
        self.wallS = wallS
        self.peakRSSBytes = peakRSSBytes
        self.peakThreads = peakThreads
    }

    /// User + system CPU, seconds.
    public var cpuS: Double { userCPUS + systemCPUS }

    /// CPU as a percentage of one core over the interval (200 = two cores busy); `nil` for an empty interval.
    public var cpuPercent: Double? { wallS > 0 ? cpuS / wallS * 100 : nil }

    /// Peak RSS, MiB.
    public var peakRSSMB: Double { Double(peakRSSBytes) / 1_048_576 }

    /// Client CPU per acquisition, µs; `nil` with no acquisitions.
    public func cpuPerAcquisitionUs(_ acquisitions: Int) -> Double? {
        acquisitions > 0 ? cpuS * 1_000_000 / Double(acquisitions) : nil
    }
}
