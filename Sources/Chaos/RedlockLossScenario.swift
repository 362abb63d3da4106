import LoadDriver
import Locks
import RedisConnection
import RedisFleet
import Reports

/// Scenario 4: 1, 2 or 3 of 5 Redlock nodes killed or paused while contenders run. Three phases of
/// fixed length: before, during (nodes 0..<k down), after (killed nodes restarted empty, paused ones
/// resumed). Reports rate, latency and validity margin per phase, and checks that no key is left.
extension ChaosRun {
    /// How a node is taken away.
    enum NodeFault: String, Sendable {
        /// SIGKILL, then an empty restart on recovery.
        case killed
        /// SIGSTOP, then SIGCONT on recovery (it then runs everything queued meanwhile).
        case paused
    }

    static let lossSpec = LockSpec(
        algorithm: .redlock, wait: .fixed(delay: 2), ttlMs: 1_000,
        redlock: RedlockSpec(retryDelayMinMs: 0, retryDelayMaxMs: 5, perNodeTimeoutMs: 50))
    static let lossPhaseMs = 600
    /// Decisions in flight when a fault lands belong to the phase before; skip this much of each phase.
    static let phaseSettleNanos: UInt64 = 100_000_000

    func redlockLoss(_ client: RedisClientKind, down k: Int, fault: NodeFault) async throws(ChaosEnvironmentError) -> SafetyRow {
        var tally = RowTally(.redlockLoss, "\(k) of 5 \(fault.rawValue)", .redlock, client)
        return try await withFleet(count: 5) { fleet throws(ChaosEnvironmentError) in
            let keyPrefix = prefix + "loss:\(client):\(k)\(fault.rawValue):"
            let scenario = Self.loadScenario(spec: Self.lossSpec, client: client, endpoints: fleet.endpoints, contenders: 6, keys: 3,
                                             holdMs: 2, acquireTimeoutMs: 400, commandTimeoutMs: 10_000)
            let start = LockClock.monotonicNanos()
            let load = try await startLoad(scenario, keyPrefix: keyPrefix)
            await pause(ms: Self.lossPhaseMs)
            _ = await grant(in: load, after: start + Self.phaseSettleNanos)
            let faultAt = LockClock.monotonicNanos()
            for node in 0..<k { if fault == .killed { fleet.kill(node) } else { fleet.pause(node) } }
            let faulted = LockClock.monotonicNanos()
            await pause(ms: Self.lossPhaseMs)
            if k < 3 {
                // A quorum is left: the phase lasts until it has shown one (a busy machine may be slow to).
                _ = await grant(in: load, after: faulted + Self.phaseSettleNanos)
            }
            let recoverAt = LockClock.monotonicNanos()
            var recoveryError: ChaosEnvironmentError?
            if fault == .paused {
                for node in 0..<k { fleet.resume(node) }
            } else {
                do throws(ChaosEnvironmentError) { try await restart(fleet, Array(0..<k)) } catch { recoveryError = error }
            }
            let recovered = LockClock.monotonicNanos()
            await pause(ms: Self.lossPhaseMs)
            // Contenders notice a restarted node when their current attempt ends and they reconnect.
            let firstAfter = await grant(in: load, after: recovered + Self.phaseSettleNanos)
            let end = max(LockClock.monotonicNanos(), (firstAfter ?? 0) + 1)
            let outcome = try await load.finish()
            if let recoveryError { throw recoveryError }
            let left = await keysLeft(fleet.endpoints, prefix: keyPrefix)
            let events = outcome.events ?? LoadEventLog(capacity: 0)
            let name = tally.variant
            func phase(_ label: String, _ from: UInt64, _ to: UInt64) -> PhaseSummary {
                PhaseSummary(scenario: tally.scenario.rawValue, variant: name, algorithm: "redlock", client: client.rawValue,
                             phase: label, events: events, from: from, to: to)
            }
            let phases = [phase("before", start + Self.phaseSettleNanos, faultAt),
                          phase("during", faulted + Self.phaseSettleNanos, recoverAt),
                          phase("after", recovered + Self.phaseSettleNanos, end)]
            self.record(phases)

            tally.absorb(outcome, faultAt: faultAt, end: end)
            if outcome.undrained > 0 { tally.problems.append("\(outcome.undrained) contender(s) stuck") }
            if !left.isEmpty { tally.problems.append("keys left after recovery: \(left.prefix(3).joined(separator: ", "))") }
            let recoveryMs = events.firstGrant(after: recovered).map { millis(from: recovered, to: $0) }
            return Self.judgeLoss(tally, k: k, fault: fault, phases: phases, keysLeft: left.count, recoveryMs: recoveryMs)
        }
    }

    /// Keys still on the servers once everything settled. Polled briefly (well under the TTL): a release
    /// queued on a node that just resumed may still be on its way.
    func keysLeft(_ endpoints: [Endpoint], prefix: String) async -> [String] {
        var left: [String] = []
        for _ in 0..<25 {
            left = endpoints.flatMap { lingeringKeys(on: $0, prefix: prefix) }
            if left.isEmpty { return [] }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        return left
    }

    static func judgeLoss(_ tally: RowTally, k: Int, fault: NodeFault, phases: [PhaseSummary], keysLeft: Int, recoveryMs: Double?) -> SafetyRow {
        let (before, during, after) = (phases[0], phases[1], phases[2])
        var figures = phases.map(\.brief).joined(separator: "; ")
        figures += recoveryMs.map { "; first grant \(String(format: "%.0f", $0)) ms after recovery" } ?? "; no grant after recovery"
        let safe = tally.overlaps == 0 && tally.doubleGrants == 0
        let tail = " \(tally.overlaps) overlaps; \(keysLeft == 0 ? "no key" : "\(keysLeft) keys") left after recovery."
        if k < 3 {
            let confirmed = safe && before.grants > 0 && during.grants > 0 && after.grants > 0
            let slower = fault == .paused
                ? " Each release waits the per-node timeout (\(lossSpec.redlock.perNodeTimeoutMs) ms) for a paused node's vote, hence the lower rate." : ""
            return tally.row(predicted: "available; no overlap; no key left", confirmed: confirmed,
                             verdict: "With \(k) of 5 nodes \(fault.rawValue), the other \(5 - k) still made a quorum: \(figures).\(slower)\(tail)")
        }
        let confirmed = safe && before.grants > 0 && during.grants == 0 && after.grants > 0
        let gap = String(format: "%.0f", tally.meanUnavailabilityMs)
        return tally.row(predicted: "unavailable during; recovers; no overlap; no key left", confirmed: confirmed,
                         verdict: "With 3 of 5 nodes \(fault.rawValue) no quorum was possible: \(figures); longest time without a grant \(gap) ms.\(tail)")
    }
}
