import LoadDriver
import Locks
import RedisConnection
import Reports

/// The counts of one safety-table row, gathered trial by trial, then judged against the prediction.
struct RowTally: Sendable {
    var scenario: ChaosScenario
    var variant: String
    var algorithm: LockAlgorithmKind
    var client: RedisClientKind
    var trials = 0
    var acquisitions = 0
    var overlaps = 0
    var staleWritesRejected = 0
    var staleWritesAccepted = 0
    var wrongOwnerDeletes = 0
    var doubleGrants = 0
    var failedAcquisitions = 0
    /// One figure per trial (or one for a load run); the row reports their mean.
    var unavailability: [Double] = []
    /// Errors by kind (transport, timeouts), for verdicts.
    var errors: [String: Int] = [:]
    /// Things that went wrong in the harness's own steps (a worker that said ERROR, a write that failed).
    var problems: [String] = []

    init(_ scenario: ChaosScenario, _ variant: String, _ algorithm: LockAlgorithmKind, _ client: RedisClientKind) {
        self.scenario = scenario
        self.variant = variant
        self.algorithm = algorithm
        self.client = client
    }

    /// Takes a load run as one trial: its grants, failures and errors, the longest time without a grant
    /// between `faultAt` and `end`, and its witness's counts.
    mutating func absorb(_ outcome: DriverOutcome, faultAt: UInt64, end: UInt64) {
        let events = outcome.events ?? LoadEventLog(capacity: 0)
        trials = 1
        acquisitions = events.grantCount
        failedAcquisitions = events.failureCount
        errors = outcome.recorder.errors
        unavailability = [Double(events.longestGapWithoutGrant(from: faultAt, to: end)) / 1_000_000]
        overlaps += outcome.recorder.safety.mutexOverlaps
        doubleGrants += outcome.recorder.safety.doubleGrants
        if events.dropped > 0 { problems.append("\(events.dropped) acquisitions missing from the full event log") }
    }

    /// Takes the witness's counts (call once, after the last trial).
    mutating func absorb(_ witness: MutexWitness) {
        overlaps += witness.overlaps
        doubleGrants += witness.doubleGrants
    }

    /// Counts a resource write that came from a holder another holder had already superseded.
    mutating func staleWrite(_ result: Result<Bool, LockFailure>) {
        switch result {
        case .success(true): staleWritesAccepted += 1
        case .success(false): staleWritesRejected += 1
        case .failure(let failure): problems.append("stale write failed: \(failure)")
        }
    }

    mutating func error(_ failure: LockFailure) {
        errors[failure.kindKey, default: 0] += 1
    }

    var errorCount: Int { errors.values.reduce(0, +) }

    var meanUnavailabilityMs: Double {
        unavailability.isEmpty ? 0 : unavailability.reduce(0, +) / Double(unavailability.count)
    }

    /// The row, with the prediction, whether it held, and the verdict (problems appended, which also
    /// make the row unconfirmed: a trial the harness could not carry out proves nothing).
    func row(predicted: String, confirmed: Bool, verdict: String) -> SafetyRow {
        var text = verdict
        if !problems.isEmpty { text += " Problems: " + problems.prefix(3).joined(separator: "; ") }
        return SafetyRow(
            scenario: scenario.rawValue, variant: variant, algorithm: algorithm.rawValue, client: client.rawValue,
            trials: trials, acquisitions: acquisitions, overlaps: overlaps, staleWritesRejected: staleWritesRejected,
            staleWritesAccepted: staleWritesAccepted, wrongOwnerDeletes: wrongOwnerDeletes, doubleGrants: doubleGrants,
            failedAcquisitions: failedAcquisitions, unavailabilityMs: (meanUnavailabilityMs * 10).rounded() / 10,
            predicted: predicted, confirmed: confirmed && problems.isEmpty, verdict: text)
    }
}

/// "2/2", "0/3": counts out of trials, for verdicts.
func ofTrials(_ n: Int, _ trials: Int) -> String { "\(n)/\(trials)" }

/// Milliseconds between two monotonic instants.
func millis(from start: UInt64, to end: UInt64) -> Double {
    end >= start ? Double(end - start) / 1_000_000 : 0
}
