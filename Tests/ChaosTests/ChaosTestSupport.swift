@testable import Chaos
import Foundation
import Locks
import RedisConnection
import Reports
import Synchronization
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif


/// A plan for one scenario, one trial, native client, no Sentinel unless asked.
func plan(_ scenario: ChaosScenario, algorithms: [LockAlgorithmKind]? = nil, client: RedisClientKind = .native,
          trials: Int = 1, worker: Bool = false, sentinel: Bool = false) -> ChaosPlan {
    ChaosPlan(scenarios: [scenario], algorithms: algorithms, clients: [client], trials: trials,
              workerExecutable: worker ? benchExecutable : nil, sentinel: sentinel)
}

/// Runs `body` inside a chaos run (resource server and all), then checks that every process the run
/// started is gone: no server, no worker outlives it.
func withChaosRun<R: Sendable>(
    _ plan: ChaosPlan, _ body: (ChaosRun) async throws(ChaosEnvironmentError) -> R
) async throws -> R {
    let processes = Mutex<[TrackedProcess]>([])
    let result = try await ChaosRunner(plan: plan).withRun(body) { seen in processes.withLock { $0 = seen } }
    expectAllGone(processes.withLock { $0 })
    return result
}

/// Every tracked process has exited and been reaped.
func expectAllGone(_ processes: [TrackedProcess], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!processes.isEmpty, "the run should have tracked the processes it started", sourceLocation: sourceLocation)
    for process in processes {
        #expect(!process.isAlive, "\(process) outlived the chaos run", sourceLocation: sourceLocation)
    }
}

/// The row's counts and verdict, for expectation messages.
func describe(_ row: SafetyRow) -> String {
    "\(row.scenario)/\(row.variant)/\(row.algorithm)/\(row.client): acq \(row.acquisitions) overlaps \(row.overlaps) double \(row.doubleGrants) stale acc \(row.staleWritesAccepted) rej \(row.staleWritesRejected) failed \(row.failedAcquisitions): \(row.verdict)"
}
