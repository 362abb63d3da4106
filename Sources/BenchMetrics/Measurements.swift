/// A run's merged measurements: every figure the reports print, derived once from the raw recorder,
/// which is kept too so files from several machines can be merged later without losing precision.
public struct Measurements: Codable, Sendable {
    /// Length of the measurement window actually covered, seconds (shorter than planned when partial).
    public var windowS: Double
    /// Acquisitions granted in the window.
    public var acquisitions: Int
    /// Every grant of the run, warm-up and drain included (`QueueRecorder.grantsTotal`); `nil` in
    /// results saved before it was counted.
    public var grantsTotal: Int?
    /// Acquisitions per second over the window (0 for an empty window).
    public var acquisitionsPerSecond: Double
    /// Acquisitions that ended without the lock.
    public var failedAcquires: Int
    /// Errors of every kind.
    public var errors: Int
    /// Errors by kind.
    public var errorsByKind: [String: Int]
    /// The first message seen of each kind in `errorsByKind` (nil in results saved before it existed).
    public var errorExamples: [String: String]?

    /// Acquire latency (first attempt → grant); `nil` when nothing was granted.
    public var acquire: LatencySummary?
    /// Open loop: acquire latency from the intended start (coordinated-omission corrected).
    public var acquireCorrected: LatencySummary?
    /// Release of one holder → grant to the next on the same key.
    public var handoff: LatencySummary?
    /// Release round trip.
    public var release: LatencySummary?
    /// Extend round trip.
    public var extend: LatencySummary?
    /// Attempts per granted acquisition.
    public var attempts: AttemptsSummary?

    /// How evenly grants were spread over contenders.
    public var fairness: Fairness
    /// FIFO inversions (a later arrival served before an earlier one on the same key).
    public var fifoInversions: Int
    /// Redlock TTL budget; `nil` for other algorithms.
    public var redlock: RedlockBudget?
    /// Safety evidence.
    public var safety: SafetyCounters
    /// Watchdog renewals; `nil` when the run had no watchdog.
    public var watchdog: WatchdogSummary?
    /// Server-side and client-side cost.
    public var cost: CostFigures
    /// Whether the harness, not the server, limited the run; `nil` for results saved before it was measured.
    public var harness: HarnessLoad?

    /// The merged raw recorder (histograms, per-contender counts, timeline).
    public var raw: QueueRecorder

    /// Derives every figure from a merged recorder. `server` is the summed INFO delta over the window
    /// (`nil` when not captured); `client` is this process's cost over the same interval.
    public init(raw: QueueRecorder, windowS: Double, server: ServerStatsDelta? = nil, client: ProcessCost? = nil) {
        self.raw = raw
        self.windowS = windowS
        acquisitions = raw.acquisitions
        grantsTotal = raw.grantsTotal
        acquisitionsPerSecond = windowS > 0 ? Double(raw.acquisitions) / windowS : 0
        failedAcquires = raw.failedAcquires
        errors = raw.errorCount
        errorsByKind = raw.errors
        errorExamples = raw.errorExamples.flatMap { $0.isEmpty ? nil : $0 }
        acquire = LatencySummary(nanos: raw.acquireLatency)
        acquireCorrected = LatencySummary(nanos: raw.acquireCorrectedLatency)
        handoff = LatencySummary(nanos: raw.handoffLatency)
        release = LatencySummary(nanos: raw.releaseLatency)
        extend = LatencySummary(nanos: raw.extendLatency)
        attempts = AttemptsSummary(raw.attempts)
        fairness = Fairness(grants: raw.grants)
        fifoInversions = raw.fifoInversions
        redlock = RedlockBudget(raw.redlock)
        safety = raw.safety
        watchdog = WatchdogSummary(lateness: raw.watchdogLateness, failures: raw.watchdogFailures)
        cost = CostFigures(server: server, client: client, acquisitions: raw.acquisitions)
        harness = raw.harness.map(HarnessLoad.init)
    }

    /// The summary of one latency kind.
    public func latency(_ kind: LatencyKind) -> LatencySummary? {
        switch kind {
        case .acquire: return acquire
        case .acquireCorrected: return acquireCorrected
        case .handoff: return handoff
        case .release: return release
        case .extend: return extend
        case .watchdogLateness: return watchdog?.lateness
        }
    }
}

/// Watchdog renewals: how late they ran and how many found the lock gone.
public struct WatchdogSummary: Codable, Sendable, Hashable {
    /// Renewals that succeeded.
    public var renewals: UInt64
    /// Lateness against the ttl/3 schedule; `nil` with no renewals.
    public var lateness: LatencySummary?
    /// Renewals that found the lock lost or failed.
    public var failures: Int

    /// `nil` when there were neither renewals nor failures.
    public init?(lateness: ClampingHistogram, failures: Int) {
        guard !lateness.isEmpty || failures > 0 else { return nil }
        renewals = lateness.count
        self.lateness = LatencySummary(nanos: lateness)
        self.failures = failures
    }
}

/// What the measured work cost the server(s) and the harness, per acquisition.
public struct CostFigures: Codable, Sendable, Hashable {
    /// The servers' INFO delta over the window.
    public var server: ServerStatsDelta?
    /// The harness process's cost over the window.
    public var client: ProcessCost?
    /// Server command executions per acquisition (script-internal commands included).
    public var serverCommandsPerAcquisition: Double?
    /// Server CPU per acquisition, µs.
    public var serverCPUPerAcquisitionUs: Double?
    /// Server time executing commands per acquisition, µs.
    public var serverCommandUsecPerAcquisition: Double?
    /// Harness CPU per acquisition, µs: what a client design decides.
    public var clientCPUPerAcquisitionUs: Double?
    /// Commands the clients sent per acquisition (an EVALSHA counts once, however many commands its
    /// script runs): round trips a wait strategy costs, beside the server's own execution count.
    public var clientCommandsPerAcquisition: Double?

    /// Server CPU over the window, % of one core, all servers summed (the harness's own wall clock
    /// over the same window is the denominator). Redis runs commands on one thread, so a single server
    /// near 100 is the bottleneck: the run measured the server, not the harness.
    public var serverCPUPercent: Double? {
        guard let cpuS = server?.cpuS, let wallS = client?.wallS, wallS > 0 else { return nil }
        return cpuS / wallS * 100
    }

    /// Harness CPU per command sent, µs: the client's own cost whatever the races did (retries
    /// raise the CPU per acquisition, not this).
    public var clientCPUPerCommandUs: Double? {
        guard let cpu = clientCPUPerAcquisitionUs, let commands = clientCommandsPerAcquisition, commands > 0 else { return nil }
        return cpu / commands
    }

    /// Per-acquisition figures from the raw deltas.
    public init(server: ServerStatsDelta?, client: ProcessCost?, acquisitions: Int) {
        self.server = server
        self.client = client
        serverCommandsPerAcquisition = server?.commandsPerAcquisition(acquisitions)
        serverCPUPerAcquisitionUs = server?.serverCPUPerAcquisitionUs(acquisitions)
        serverCommandUsecPerAcquisition = server?.commandUsecPerAcquisition(acquisitions)
        clientCPUPerAcquisitionUs = client?.cpuPerAcquisitionUs(acquisitions)
    }
}
