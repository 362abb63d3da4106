/// One row of the safety table: a fault scenario × algorithm (× client), what happened and whether it
/// matched what the lock's design predicts. `bench chaos` writes these; `bench report` renders them.
public struct SafetyRow: Codable, Sendable, Hashable {
    /// The fault, e.g. `client-pause`, `failover`, `redlock-restart`.
    public var scenario: String
    /// The scenario's variant, e.g. `in-process`, `sigstop-worker`, `restart within TTL`, `WAIT 1 100`.
    public var variant: String
    public var algorithm: String
    /// `native` or `hiredis`.
    public var client: String
    /// Times the fault was placed.
    public var trials: Int
    /// Locks granted.
    public var acquisitions: Int
    /// Two holders at once, seen by the witness.
    public var overlaps: Int
    /// Stale writes a fencing token stopped.
    public var staleWritesRejected: Int
    /// Stale writes the resource accepted (what fencing exists to prevent).
    public var staleWritesAccepted: Int
    /// Deletes of another owner's lock.
    public var wrongOwnerDeletes: Int
    /// The lock service granted a key while another grant on it was still valid.
    public var doubleGrants: Int
    /// Acquisitions that ended without the lock.
    public var failedAcquisitions: Int
    /// Time no contender could take the lock because of the fault, ms.
    public var unavailabilityMs: Double
    /// What the design predicts, in words, e.g. `overlap`, `no overlap`, `stale write rejected`.
    public var predicted: String
    /// Whether the outcome matched the prediction.
    public var confirmed: Bool
    /// A short plain-language verdict.
    public var verdict: String

    public init(
        scenario: String, variant: String, algorithm: String, client: String, trials: Int, acquisitions: Int,
        overlaps: Int, staleWritesRejected: Int, staleWritesAccepted: Int, wrongOwnerDeletes: Int, doubleGrants: Int,
        failedAcquisitions: Int, unavailabilityMs: Double, predicted: String, confirmed: Bool, verdict: String
    ) {
        self.scenario = scenario
        self.variant = variant
        self.algorithm = algorithm
        self.client = client
        self.trials = trials
        self.acquisitions = acquisitions
        self.overlaps = overlaps
        self.staleWritesRejected = staleWritesRejected
        self.staleWritesAccepted = staleWritesAccepted
        self.wrongOwnerDeletes = wrongOwnerDeletes
        self.doubleGrants = doubleGrants
        self.failedAcquisitions = failedAcquisitions
        self.unavailabilityMs = unavailabilityMs
        self.predicted = predicted
        self.confirmed = confirmed
        self.verdict = verdict
    }
}
