import LoadDriver
import Locks
import RedisConnection
import Reports

/// The member faults of `leader-loss` and `member-pause` on a 3-member etcd cluster or ZooKeeper ensemble.
enum StoreMemberFault: Sendable {
    /// SIGKILL of the leader: a crash with no chance to hand over.
    case leaderKilled
    /// SIGSTOP of a follower: the quorum keeps its leader; the follower's clients must move.
    case followerPaused
    /// SIGSTOP of the leader: the others elect a new one, the old one wakes as a deposed leader.
    case leaderPaused

    var scenario: ChaosScenario { self == .leaderKilled ? .leaderLoss : .memberPause }

    var variant: String {
        switch self {
        case .leaderKilled: return "leader killed (kill -9)"
        case .followerPaused: return "follower paused (SIGSTOP)"
        case .leaderPaused: return "leader paused (SIGSTOP)"
        }
    }
}

/// Scenarios 10 and 11: a consensus store loses a member under load. Six contenders cycle on two keys
/// through the same driver `bench run` measures; after the first grant the leader is killed, or a
/// follower or the leader is SIGSTOPped for a fixed while and then resumed. The row reports the longest
/// time without a grant after the fault, failed acquisitions, and the overlaps and double grants the
/// driver's witness saw: a quorum system should show none.
extension ChaosRun {
    /// How long a paused member stays paused: well past an election (etcd: 1 s election timeout;
    /// ZooKeeper: 5 ticks of sync limit, then the election), so the row sees the cluster carry on without it.
    static let storeMemberPauseMs = 4_000

    /// Long enough that no session or lease expires while clients move to another member, which is what
    /// a deployment that wants to survive a member's loss sets: etcd 3 s; ZooKeeper 20 ticks (its maximum).
    static func quorumSpec(_ algorithm: LockAlgorithmKind, sessionRangeMs: ClosedRange<Int>?) -> LockSpec {
        LockSpec(algorithm: algorithm, wait: .watch, ttlMs: sessionRangeMs?.upperBound ?? 3_000)
    }

    func storeQuorumFault(_ algorithm: LockAlgorithmKind, _ fault: StoreMemberFault) async throws(ChaosEnvironmentError) -> SafetyRow {
        var tally = RowTally(fault.scenario, fault.variant, algorithm, .native)
        return try await withStore(algorithm.store, members: 3) { servers throws(ChaosEnvironmentError) in
            let spec = Self.quorumSpec(algorithm, sessionRangeMs: servers.sessionTimeoutRangeMs)
            let keyPrefix = prefix + "\(fault.scenario):\(algorithm):\(fault == .followerPaused ? "follower" : "leader"):"
            let scenario = Self.loadScenario(spec: spec, client: .native, endpoints: servers.endpoints, contenders: 6, keys: 2,
                                             holdMs: 2, acquireTimeoutMs: 5_000, commandTimeoutMs: 5_000)
            let started = LockClock.monotonicNanos()
            let load = try await startLoad(scenario, keyPrefix: keyPrefix)
            await pause(ms: 500)
            let before = await grant(in: load, after: started, boundMs: 20_000)
            let leader: Int
            do throws(ChaosEnvironmentError) { leader = try await servers.leaderIndex() } catch {
                _ = try? await load.finish()
                throw error
            }
            let target = fault == .followerPaused ? (leader + 1) % servers.endpoints.count : leader
            let faultAt = LockClock.monotonicNanos()
            if fault == .leaderKilled { servers.kill(target) } else { servers.pause(target) }
            let resumed = await grant(in: load, after: faultAt, boundMs: 30_000)
            if fault != .leaderKilled {
                await pause(ms: max(0, Self.storeMemberPauseMs - Int(millis(from: faultAt, to: LockClock.monotonicNanos()))))
                servers.resume(target)
            }
            let settled = LockClock.monotonicNanos()
            await pause(ms: 1_000)
            let after = await grant(in: load, after: settled, boundMs: 20_000)
            let end = max(LockClock.monotonicNanos(), (after ?? 0) + 1)
            let outcome = try await load.finish()
            let connector = try servers.connector()
            try? await connector.cleanup(prefix: keyPrefix)

            tally.absorb(outcome, faultAt: faultAt, end: end)
            if before == nil { tally.problems.append("no grant before the fault") }
            if outcome.undrained > 0 { tally.problems.append("\(outcome.undrained) contender(s) stuck") }
            let events = outcome.events ?? LoadEventLog(capacity: 0)
            let grantsAfter = events.grants(from: faultAt, to: end).count
            let role = fault == .followerPaused ? "follower" : "leader"
            return Self.judgeQuorum(tally, fault, store: servers.name, role: "\(role) (member \(target))",
                                    resumed: resumed != nil, recovered: after != nil, grantsAfter: grantsAfter, ttlMs: spec.ttlMs)
        }
    }

    static func judgeQuorum(
        _ tally: RowTally, _ fault: StoreMemberFault, store: String, role: String, resumed: Bool, recovered: Bool, grantsAfter: Int, ttlMs: Int
    ) -> SafetyRow {
        // Double grants are the quorum's failure. An overlap past the earlier holder's lease or session is
        // the lease's own limit (a client cut off with its member can hold on after its session expired,
        // as a paused client does), counted and explained but not the store's fault.
        let safe = tally.doubleGrants == 0
        let what = fault == .leaderKilled ? "killed" : "paused for \(storeMemberPauseMs) ms, then resumed"
        let gap = String(format: "%.0f", tally.meanUnavailabilityMs)
        let errors = tally.errors.isEmpty ? "no errors" : tally.errors.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        let flow = resumed
            ? "grants resumed (\(grantsAfter) after the fault, longest wait without one \(gap) ms)"
            : "NO grant within 30 s of the fault"
        let lease = tally.algorithm.store == .etcd ? "lease" : "session"
        let safety: String
        if !safe {
            // Both holders' leases were confirmed alive (a renewal answered less than a TTL before) when
            // the second was granted: the store itself handed the key out twice.
            safety = "\(tally.doubleGrants) double grants and \(tally.overlaps) overlaps: a key granted again while both holders' \(lease)s were confirmed alive"
        } else if tally.overlaps > 0 {
            safety = "0 double grants, but \(tally.overlaps) overlap(s), each with a \(lease) that could have expired (no renewal answered within a TTL): a client cut off with its member held on, or waited out its queue, past its \(lease), which only a fencing token catches"
        } else {
            safety = "0 overlaps and 0 double grants: the quorum never granted a key twice"
        }
        return tally.row(
            predicted: "grants resume; no double grant", confirmed: resumed && recovered && safe,
            verdict: "Under 6 contenders on 2 keys (\(lease) \(ttlMs) ms), the \(role) of \(store) was \(what): \(flow); \(tally.failedAcquisitions) failed acquisitions (\(errors)); \(safety).")
    }
}
