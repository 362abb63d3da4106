import Foundation
import Locks
import RedisConnection
import Reports

/// Scenario 1, as a real process pause: the holder is a `bench chaos-worker` process, frozen with
/// SIGSTOP after its first write and thawed with SIGCONT once the contender (here, in process) holds
/// the lock; then it is told to write again, as its code would on waking.
extension ChaosRun {
    func clientPauseWorker(_ algorithm: LockAlgorithmKind, _ client: RedisClientKind, executable: String) async throws(ChaosEnvironmentError) -> SafetyRow {
        let spec = Self.pauseSpec(algorithm)
        return try await withFleet(count: spec.commandConnections) { fleet throws(ChaosEnvironmentError) in
            let contenderContext = try await LockSessions.open(spec: spec, client: client, endpoints: fleet.endpoints, label: "sigstop-contender", seed: 21)
            var tally = RowTally(.clientPause, "sigstop-worker", algorithm, client)
            let witness = MutexWitness()
            var failure: ChaosEnvironmentError?
            for trial in 0..<plan.trials where !interrupted && failure == nil {
                tally.trials += 1
                let key = prefix + "sigstop:\(client):\(algorithm):\(trial)"
                let config = ChaosWorkerConfig(
                    spec: spec, client: client, lockServers: fleet.endpoints.map(\.description),
                    resourceServer: resourceEndpoint.description, key: key, resourceKey: key + ":resource")
                do throws(ChaosEnvironmentError) {
                    try await workerTrial(config, executable: executable, contenderContext: contenderContext, witness: witness, tally: &tally)
                } catch {
                    failure = error
                }
            }
            tally.absorb(witness)
            if failure == nil { await checkNoKeys(fleet.endpoints, prefix: prefix + "sigstop:\(client):\(algorithm):", tally: &tally) }
            await LockSessions.close(contenderContext)
            if let failure { throw failure }
            return Self.judgePause(tally)
        }
    }

    private func workerTrial(
        _ config: ChaosWorkerConfig, executable: String, contenderContext: LockContext, witness: MutexWitness, tally: inout RowTally
    ) async throws(ChaosEnvironmentError) {
        let json = String(decoding: (try? JSONEncoder().encode(config)) ?? Data(), as: UTF8.self)
        let worker = try await WorkerProcess.spawn(executable: executable, arguments: ["chaos-worker", "--config", json])
        register(worker)
        defer { unregister(worker) }
        let key = config.key
        guard let granted = await worker.expect("GRANTED", timeoutMs: 15_000), granted.hasPrefix("GRANTED ") else {
            let said = worker.diagnostics.suffix(3).joined(separator: " | ")
            _ = await worker.terminate()
            throw ChaosEnvironmentError(.worker, "the chaos worker (\(executable)) did not report a grant: \(said.isEmpty ? "no output" : said)")
        }
        let fields = granted.split(separator: " ")
        let validUntil = fields.count > 2 ? UInt64(fields[2]) ?? 0 : 0
        tally.acquisitions += 1
        witness.enter(key: key, holderID: HolderID.worker, validUntilNanos: validUntil)

        let pausedAt = LockClock.monotonicNanos()
        guard await worker.freeze() else {
            tally.problems.append("the worker could not be stopped")
            witness.exit(key: key, holderID: HolderID.worker)
            _ = await worker.terminate()
            return
        }
        let contender = await LockSessions.locker(contenderContext)
        let outcome = await contender.acquire(key: key, timeoutMs: config.spec.ttlMs * 4 + 2_000)
        if let second = outcome.grant {
            await recordSecondHolder(&tally, witness: witness, key: key, grant: second, algorithm: config.spec.algorithm, faultAt: pausedAt)
        } else {
            tally.failedAcquisitions += 1
            tally.problems.append("the contender was not granted while the worker was stopped")
        }
        worker.thaw()
        worker.send("WRITE")
        let wrote = await worker.expect("WROTE", timeoutMs: 10_000)
        switch wrote {
        case "WROTE accepted": tally.staleWritesAccepted += 1
        case "WROTE rejected": tally.staleWritesRejected += 1
        default: tally.problems.append("the worker's stale write: \(wrote ?? "no answer")")
        }
        witness.exit(key: key, holderID: HolderID.worker)
        _ = await worker.expect("RELEASED", timeoutMs: 10_000)
        if await worker.waitExit(timeoutMs: 5_000) == nil {
            tally.problems.append("the worker did not exit after releasing")
        }
        _ = await worker.terminate()
        if let second = outcome.grant {
            witness.exit(key: key, holderID: HolderID.contender)
            _ = await contender.release(second)
        }
    }
}
