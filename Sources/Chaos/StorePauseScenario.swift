import Dispatch
import Harness
import LoadDriver
import Locks
import RedisConnection
import Reports

/// Scenario 1 on a consensus store (Jepsen's etcd 3.4 finding, with counts): the holder's process is
/// frozen until its lease (etcd) or session (ZooKeeper) expires and the store grants the contender;
/// the holder wakes still believing it holds the lock and writes. Without fencing the resource accepts
/// the stale write; with the store's own token (the key's create revision, the znode's czxid) it refuses it.
///
/// The freeze suspends the holder's lane queue, which holds everything that keeps its claim alive:
/// etcd's keep-alive clock (the gRPC stream only carries what that clock sends) and the ZooKeeper C
/// client's sockets and ping timer. The lease therefore expires on the server for real, and the woken
/// session is told so (`StoreLiveness.expired`), which the row checks.
extension ChaosRun {
    /// The lock spec of a paused-holder trial on `kind`'s store.
    ///
    /// etcd: 1 s asked, which etcd raises to its minimum (1.5 election timeouts, rounded up: 2 s with
    /// the default 1 s). The witness judges a double grant against `start + ttl`; the lease was renewed
    /// at most a third of its granted TTL before the acquisition started, so it is valid at least 1.33 s
    /// from it: asking for 1 s keeps the witness's bound inside what the server promises.
    /// ZooKeeper: the shortest session the servers allow (2 ticks); the holder's create touches its
    /// session, so the session outlives `start + ttl`.
    static func storePauseSpec(_ algorithm: LockAlgorithmKind, sessionRangeMs: ClosedRange<Int>?) -> LockSpec {
        LockSpec(algorithm: algorithm, wait: .watch, ttlMs: sessionRangeMs?.lowerBound ?? 1_000)
    }

    /// The fencing token's name on `kind`'s store, for variants and verdicts.
    static func fenceName(_ kind: LockStoreKind) -> String { kind == .etcd ? "revision" : "czxid" }

    /// One row: `plan.trials` paused-holder trials on a 1-member etcd or 1-server ZooKeeper, with the
    /// resource checking the store's token (`fenced`) or not.
    func storePause(_ algorithm: LockAlgorithmKind, fenced: Bool) async throws(ChaosEnvironmentError) -> SafetyRow {
        let kind = algorithm.store
        let variant = "in-process, " + (fenced ? "\(Self.fenceName(kind)) fence" : "no fence")
        return try await withStore(kind, members: 1) { servers throws(ChaosEnvironmentError) in
            let spec = Self.storePauseSpec(algorithm, sessionRangeMs: servers.sessionTimeoutRangeMs)
            let connector = try servers.connector()
            let keyPrefix = prefix + "pause:\(algorithm):\(fenced ? "fenced" : "unfenced"):"
            let holderContext = try await StoreSessions.open(connector, spec: spec, label: "pause-holder", seed: 11)
            let contenderContext: LockContext
            do throws(ChaosEnvironmentError) {
                contenderContext = try await StoreSessions.open(connector, spec: spec, label: "pause-contender", seed: 12)
            } catch {
                await LockSessions.close(holderContext)
                throw error
            }
            var tally = RowTally(.clientPause, variant, algorithm, .native)
            let witness = MutexWitness()
            var expiries = 0
            for index in 0..<plan.trials where !interrupted {
                tally.trials += 1
                let holder = await LockSessions.locker(holderContext)
                let contender = await LockSessions.locker(contenderContext)
                let key = keyPrefix + "\(index)"
                if await storePauseTrial(key: key, holder: holder, contender: contender, holderContext: holderContext, spec: spec,
                                         fenced: fenced, witness: witness, tally: &tally) {
                    expiries += 1
                }
            }
            tally.absorb(witness)
            await LockSessions.close(holderContext)
            await LockSessions.close(contenderContext)
            try? await connector.cleanup(prefix: keyPrefix)
            let lost = kind == .etcd ? "lease" : "session"
            if expiries < tally.trials { tally.problems.append("the holder's \(lost) was reported lost in only \(expiries) of \(tally.trials) trials") }
            let token = Self.fenceName(kind)
            let detail = " The holder's \(lost) (TTL asked \(spec.ttlMs) ms) expired during the freeze in \(ofTrials(expiries, tally.trials)); "
                + (fenced ? "the resource compared the \(token) of each write." : "the \(token) was there to check, but the resource did not.")
            return Self.judgePause(tally, fenced: fenced, detail: detail)
        }
    }

    /// One trial; returns whether the holder's session reported its lease or session lost after waking.
    private func storePauseTrial(
        key: String, holder: Locker, contender: Locker, holderContext: LockContext, spec: LockSpec, fenced: Bool,
        witness: MutexWitness, tally: inout RowTally
    ) async -> Bool {
        let algorithm = spec.algorithm
        guard let first = await firstHolder(holder, key: key, timeoutMs: 20_000, algorithm: algorithm, holderID: HolderID.holder,
                                            witness: witness, tally: &tally, problem: "the holder was not granted") else { return false }
        await firstWrite(&tally, key: key + ":resource", fence: fenced ? first.fencingToken : nil, value: "holder-1")
        let expiredBefore = await holderContext.onQueue { holderContext.store?.liveness.expired ?? 0 }

        // Bounded well past the lease: etcd's lessor checks expiry every 500 ms, then revokes through Raft.
        guard let (second, pausedAt) = await grantWhileFrozen(
            holderContext, holder: holder, first: first, contender: contender, key: key, timeoutMs: 30_000,
            witness: witness, tally: &tally) else { return false }
        await recordSecondHolder(&tally, witness: witness, key: key, grant: second, algorithm: algorithm, faultAt: pausedAt, fenced: fenced)
        tally.staleWrite(await resource.write(key: key + ":resource", fence: fenced ? first.fencingToken : nil, value: "holder-2"))
        // The woken session learns its claim is gone (etcd: a keep-alive answered with TTL 0; ZooKeeper:
        // the reconnect is told the session expired). Waiting for it also keeps the next trial from
        // creating its key under the dead lease.
        let expired = await waitForExpiry(holderContext, above: expiredBefore, boundMs: 15_000)
        witness.exit(key: key, holderID: HolderID.holder)
        _ = await holder.release(first)
        witness.exit(key: key, holderID: HolderID.contender)
        _ = await contender.release(second)
        return expired
    }

    /// Polls the session's liveness until it counts an expiry above `above`, or `boundMs` passes.
    private func waitForExpiry(_ context: LockContext, above: Int, boundMs: Int) async -> Bool {
        let end = LockClock.monotonicNanos() + UInt64(boundMs) * 1_000_000
        while LockClock.monotonicNanos() < end, !interrupted {
            if await context.onQueue({ context.store?.liveness.expired ?? 0 }) > above { return true }
            await pause(ms: 20)
        }
        return false
    }
}

/// Lock contexts over a store's sessions for the scripted store scenarios: each on a serial queue of its
/// own, so suspending one freezes exactly one client, keep-alive and all.
enum StoreSessions {
    static func open(_ connector: any LockStoreConnector, spec: LockSpec, label: String, seed: UInt64) async throws(ChaosEnvironmentError) -> LockContext {
        let wheel = LockSessions.wheel(label)
        do {
            let session = try await connector.open(spec: spec, queue: wheel.queue)
            do {
                return try LockContext(spec: spec, wheel: wheel, connections: [], seed: seed, store: session)
            } catch {
                wheel.queue.async { session.close() }
                throw error
            }
        } catch {
            // The wheel is confined to its queue, like every lane's.
            wheel.queue.sync { wheel.invalidate() }
            throw ChaosEnvironmentError(.connect, "\(label): cannot open a \(spec.algorithm) session on \(spec.algorithm.store.displayName): \(error)")
        }
    }
}
