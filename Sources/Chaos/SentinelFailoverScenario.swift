import LoadDriver
import Locks
import RedisConnection
import RedisFleet
import Reports

/// Scenario 7: a Sentinel failover during a load run, as `bench run --sentinel` meets it. Contenders
/// cycle on a primary found through three sentinels; after the first grant the primary is failed over
/// (`SENTINEL FAILOVER`, or kill -9 so the sentinels must notice). The run must follow `+switch-master`
/// to the new primary and resume; the row reports the driver's failover window (last grant before →
/// first grant on the new primary), failed acquisitions, and the double grants the witness saw.
extension ChaosRun {
    enum SentinelFault: String, Sendable, CaseIterable {
        case planned = "SENTINEL FAILOVER"
        case killed = "primary killed (kill -9)"

        var method: SentinelTopology.FailoverMethod { self == .planned ? .sentinelCommand : .killPrimary }
    }

    static let sentinelTTL = 500
    /// Small enough for a quick failover, large enough that a busy machine does not fail over by itself.
    static let sentinelDownAfterMs = 400

    func sentinelFailover(_ algorithm: LockAlgorithmKind, _ client: RedisClientKind, _ fault: SentinelFault) async throws(ChaosEnvironmentError) -> SafetyRow {
        let spec = LockSpec(algorithm: algorithm, wait: .fixed(delay: 5), ttlMs: Self.sentinelTTL)
        var tally = RowTally(.sentinelFailover, fault.rawValue, algorithm, client)
        return try await withSentinelTopology { topology throws(ChaosEnvironmentError) in
            let keyPrefix = prefix + "sentinel:\(client):\(algorithm):\(fault == .planned ? "planned" : "killed"):"
            var scenario = Self.loadScenario(spec: spec, client: client, endpoints: [topology.primaryEndpoint], contenders: 6, keys: 3,
                                             holdMs: 1, acquireTimeoutMs: 2_000, commandTimeoutMs: 1_000)
            scenario.deployment = .sentinel(.external(sentinels: topology.sentinelEndpoints, masterName: topology.masterName))
            let started = LockClock.monotonicNanos()
            let load = try await startLoad(scenario, keyPrefix: keyPrefix)
            await pause(ms: 300)
            _ = await grant(in: load, after: started)
            let faultAt = LockClock.monotonicNanos()
            let promoted: Result<Int, FleetError>
            do throws(FleetError) { promoted = .success(try await topology.failover(fault.method)) } catch { promoted = .failure(error) }
            if fault == .killed { track(topology.servers.pid(0)) }
            let switched = LockClock.monotonicNanos()
            let resumed = await grant(in: load, after: switched, boundMs: 15_000)
            await pause(ms: 300)
            let end = LockClock.monotonicNanos()
            let outcome = try await load.finish()
            if case .failure(let error) = promoted { throw ChaosEnvironmentError(.replication, "the sentinels did not fail over: \(error)") }

            tally.absorb(outcome, faultAt: faultAt, end: end)
            let window = outcome.failovers.first
            if let gap = window?.unavailableMs { tally.unavailability = [gap] }
            if outcome.undrained > 0 { tally.problems.append("\(outcome.undrained) contender(s) stuck") }
            let newPrimary = (try? promoted.get()).map { topology.servers.endpoints[$0] }
            return Self.judgeSentinel(tally, fault, window: window, followed: window?.to == newPrimary && resumed != nil,
                                      failovers: outcome.failovers.count)
        }
    }

    static func judgeSentinel(_ tally: RowTally, _ fault: SentinelFault, window: FailoverWindow?, followed: Bool, failovers: Int) -> SafetyRow {
        let safe = tally.overlaps == 0 && tally.doubleGrants == 0
        let figures = window.map { w in
            let gap = w.unavailableMs.map { String(format: "%.0f ms", $0) } ?? "no grant after it"
            return "no grant for \(gap) (last grant before → first on the new primary), \(w.failedAcquisitions) failed acquisitions and \(w.errors) errors in the window, \(w.oldPrimaryGrants) grants on the old primary after the switch, \(w.doubleGrants) double grants"
        } ?? "no failover reported by the run"
        let moved = followed ? "The run followed +switch-master to the new primary (\(failovers) failover(s) heard)" : "The run did NOT follow the failover to the new primary"
        if fault == .planned {
            return tally.row(predicted: "followed; grants resume; no double grant", confirmed: followed && safe,
                             verdict: "\(moved): \(figures); \(tally.overlaps) overlaps in the run.")
        }
        let lost = tally.doubleGrants > 0
            ? " A lock the dead primary granted had not reached the replica, so the promoted replica granted it again: Sentinel does not make a lock survive a crash."
            : " No lock write was lost this time, but asynchronous replication promises nothing."
        return tally.row(predicted: "followed; grants resume; double grants counted", confirmed: followed,
                         verdict: "\(moved) after the primary died: \(figures).\(lost)")
    }

    /// A primary, a replica and three sentinels for `body`, always stopped afterwards, every process tracked.
    func withSentinelTopology<R>(_ body: (SentinelTopology) async throws(ChaosEnvironmentError) -> R) async throws(ChaosEnvironmentError) -> R {
        let topology: SentinelTopology
        do {
            topology = try await RedisFleet.startSentinelTopology(
                replicas: 1, sentinels: 3, masterName: "lockbench-chaos", downAfterMs: Self.sentinelDownAfterMs,
                options: RedisServerOptions(executable: plan.redisServer))
        } catch {
            throw ChaosEnvironmentError(.replication, "cannot start a primary, a replica and 3 sentinels: \(error)")
        }
        for node in topology.servers.nodes + topology.sentinels.nodes { track(node.pid) }
        return try await topology.use(body)
    }
}
