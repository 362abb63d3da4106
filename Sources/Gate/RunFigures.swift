import BenchMetrics
import LoadDriver
import Locks
import Reports

/// The figures of one client run that the gates read: small enough that a baseline can keep every
/// interleaved round (a full `RunResult` carries its raw histograms, megabytes per round).
public struct RunFigures: Codable, Sendable, Hashable {
    /// `native` or `hiredis`.
    public var client: String
    /// The lock algorithm's name (`setnx-px`, ...).
    public var algorithm: String
    /// The longest hold the scenario can draw, µs; `nil` when unbounded (exponential).
    public var holdMaxUs: Int?
    /// Lock TTL, ms.
    public var ttlMs: Int
    /// Acquisitions granted in the window.
    public var acquisitions: Int
    /// Acquisitions per second over the window.
    public var acquisitionsPerSecond: Double
    /// Acquire latency median, µs.
    public var acquireP50Us: Double?
    /// Acquire latency 99th percentile, µs.
    public var acquireP99Us: Double?
    /// Jain's index over per-contender grants.
    public var jain: Double?
    /// Acquisitions that ended without the lock.
    public var failedAcquires: Int
    /// Errors of every kind.
    public var errors: Int
    /// Two holders of one key at once, as the witness saw it.
    public var mutexViolations: Int
    /// Grants of a key a live holder still held, as the algorithm reported them.
    public var doubleGrants: Int
    /// Releases that deleted another owner's lock.
    public var wrongOwnerDeletes: Int
    /// Writes the fenced resource refused for an old token.
    public var staleWritesRejected: Int
    /// Redlock attempts; `nil` for other algorithms.
    public var redlockAttempts: Int?
    /// Redlock attempts that reached quorum with validity ≤ 0; `nil` for other algorithms.
    public var ttlOverruns: Int?
    /// The run stopped early.
    public var partial: Bool
    /// The error that ended the run, if one did.
    public var error: String?

    /// Figures with every value given.
    public init(
        client: String, algorithm: String, holdMaxUs: Int?, ttlMs: Int, acquisitions: Int, acquisitionsPerSecond: Double,
        acquireP50Us: Double?, acquireP99Us: Double?, jain: Double?, failedAcquires: Int = 0, errors: Int = 0,
        mutexViolations: Int = 0, doubleGrants: Int = 0, wrongOwnerDeletes: Int = 0, staleWritesRejected: Int = 0,
        redlockAttempts: Int? = nil, ttlOverruns: Int? = nil, partial: Bool = false, error: String? = nil
    ) {
        self.client = client
        self.algorithm = algorithm
        self.holdMaxUs = holdMaxUs
        self.ttlMs = ttlMs
        self.acquisitions = acquisitions
        self.acquisitionsPerSecond = acquisitionsPerSecond
        self.acquireP50Us = acquireP50Us
        self.acquireP99Us = acquireP99Us
        self.jain = jain
        self.failedAcquires = failedAcquires
        self.errors = errors
        self.mutexViolations = mutexViolations
        self.doubleGrants = doubleGrants
        self.wrongOwnerDeletes = wrongOwnerDeletes
        self.staleWritesRejected = staleWritesRejected
        self.redlockAttempts = redlockAttempts
        self.ttlOverruns = ttlOverruns
        self.partial = partial
        self.error = error
    }

    /// The figures of a scenario's measurements.
    public init(scenario: Scenario, measurements m: Measurements, partial: Bool, error: String?) {
        let redlock = scenario.lock.algorithm == .redlock
        self.init(
            client: scenario.client.rawValue, algorithm: scenario.lock.algorithm.rawValue,
            holdMaxUs: scenario.hold.maxUs, ttlMs: scenario.lock.ttlMs, acquisitions: m.acquisitions,
            acquisitionsPerSecond: m.acquisitionsPerSecond, acquireP50Us: m.acquire?.p50Us, acquireP99Us: m.acquire?.p99Us,
            jain: m.fairness.jain, failedAcquires: m.failedAcquires, errors: m.errors,
            mutexViolations: m.safety.mutexOverlaps, doubleGrants: m.safety.doubleGrants,
            wrongOwnerDeletes: m.safety.wrongOwnerDeletes, staleWritesRejected: m.safety.staleWritesRejected,
            redlockAttempts: redlock ? (m.redlock?.attempts ?? 0) : nil, ttlOverruns: redlock ? (m.redlock?.overruns ?? 0) : nil,
            partial: partial, error: error)
    }

    /// The figures of a `bench run` result.
    public init(_ result: RunResult) {
        self.init(scenario: result.scenario, measurements: result.measurements, partial: result.partial, error: result.error)
    }

    /// Whether the algorithm promises mutual exclusion, and the run kept it to its terms (every hold
    /// shorter than the TTL): only then is an overlap a bug rather than the expected outcome.
    public var promisesSafety: Bool {
        LockAlgorithmKind(rawValue: algorithm)?.overlapsAreViolations(maxHoldUs: holdMaxUs, ttlMs: ttlMs) ?? false
    }

    /// Every piece of unsafety evidence added up.
    public var safetyEvents: Int { mutexViolations + doubleGrants + wrongOwnerDeletes + staleWritesRejected }
}

extension TimeDistribution {
    /// The same distribution shifted later by `us` (an exponential keeps its shape, its mean grows).
    func adding(us: Int) -> TimeDistribution {
        switch self {
        case .fixed(let v): return .fixed(us: v + us)
        case .uniform(let lo, let hi): return .uniform(minUs: lo + us, maxUs: hi + us)
        case .exponential(let mean): return .exponential(meanUs: mean + us)
        }
    }
}
