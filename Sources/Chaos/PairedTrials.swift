import Locks
import RedisConnection
import RedisFleet

/// The parties of one trial of a two-client scenario.
struct PairTrial {
    var key: String
    var first: Locker
    var second: Locker
    /// The first client's context: a scenario may freeze its queue.
    var firstContext: LockContext
    var witness: MutexWitness
}

extension ChaosRun {
    /// Runs the row's trials of a two-client scenario on `fleet`: two sessions (the second's clock offset
    /// by `secondClockOffsetMs`), a fresh key per trial under `keyPrefix`, one witness over every trial,
    /// then the check that no key under `keyPrefix` outlived its trial.
    func pairedTrials(
        _ fleet: RedisFleet, spec: LockSpec, client: RedisClientKind, labels: (String, String), seeds: (UInt64, UInt64),
        secondClockOffsetMs: Int64 = 0, keyPrefix: String, tally: RowTally,
        _ trial: (PairTrial, inout RowTally) async -> Void
    ) async throws(ChaosEnvironmentError) -> RowTally {
        let (firstContext, secondContext) = try await LockSessions.openPair(
            spec: spec, client: client, endpoints: fleet.endpoints, labels: labels, seeds: seeds)
        var tally = tally
        let witness = MutexWitness()
        for index in 0..<plan.trials where !interrupted {
            tally.trials += 1
            let first = await LockSessions.locker(firstContext)
            let second = await LockSessions.locker(secondContext, clockOffsetMs: secondClockOffsetMs)
            let parties = PairTrial(key: keyPrefix + "\(index)", first: first, second: second, firstContext: firstContext, witness: witness)
            await trial(parties, &tally)
        }
        tally.absorb(witness)
        await checkNoKeys(fleet.endpoints, prefix: keyPrefix, tally: &tally)
        await LockSessions.close(firstContext)
        await LockSessions.close(secondContext)
        return tally
    }
}
