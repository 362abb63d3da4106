import LoadDriver
import Locks
import RESP
import RedisConnection
import RedisFleet
import Reports

/// Scenario 6: network faults that need no privileges. Contenders cycle on a lock while the scenario
/// resets every client connection three times (`CLIENT KILL TYPE normal`), or stops the server for
/// 600 ms while clients run with a 200 ms command timeout. Errors must be counted, no contender may be
/// left stuck, and nothing may hang or leave a key behind.
extension ChaosRun {
    enum NetworkFault: String, Sendable, CaseIterable {
        case resets = "connection resets (CLIENT KILL x3)"
        case pausedServer = "server paused 600 ms, 200 ms command timeout"
    }

    static let networkTTL = 500

    func network(_ algorithm: LockAlgorithmKind, _ client: RedisClientKind, _ fault: NetworkFault) async throws(ChaosEnvironmentError) -> SafetyRow {
        let spec = LockSpec(algorithm: algorithm, wait: .fixed(delay: 5), ttlMs: Self.networkTTL)
        var tally = RowTally(.network, fault.rawValue, algorithm, client)
        return try await withFleet(count: 1) { fleet throws(ChaosEnvironmentError) in
            let keyPrefix = prefix + "net:\(client):\(algorithm):\(fault == .resets ? "reset" : "pause"):"
            let scenario = Self.loadScenario(spec: spec, client: client, endpoints: fleet.endpoints, contenders: 4, keys: 2, holdMs: 2,
                                             acquireTimeoutMs: 300, commandTimeoutMs: fault == .pausedServer ? 200 : 10_000)
            let started = LockClock.monotonicNanos()
            let load = try await startLoad(scenario, keyPrefix: keyPrefix)
            await pause(ms: 300)
            _ = await grant(in: load, after: started)
            let faultAt = LockClock.monotonicNanos()
            var resets = 0
            switch fault {
            case .resets:
                for round in 0..<3 {
                    // SKIPME (the default) spares the probe's own connection; every lock connection goes.
                    let reply = try? RedisProbe.command(["CLIENT", "KILL", "TYPE", "normal"], at: fleet.endpoints[0])
                    resets += Int(reply?.integer ?? 0)
                    if round < 2 { await pause(ms: 250) }
                }
            case .pausedServer:
                fleet.pause(0)
                await pause(ms: 600)
                fleet.resume(0)
            }
            let recoveredAt = LockClock.monotonicNanos()
            await pause(ms: 600)
            // Recovery must show a grant; an orphaned SET (its reply lost to the fault) can hold the key
            // for a whole TTL, and a busy machine is slower still: wait for one, within a bound.
            _ = await grant(in: load, after: recoveredAt)
            let end = LockClock.monotonicNanos()
            let outcome = try await load.finish()
            let stuck = outcome.undrained
            // A SET whose reply never came (timed out, connection reset) may still have run: an orphan
            // lock nobody holds, which only its TTL removes. Wait that out, then nothing may remain.
            await pause(ms: Self.networkTTL + 100)
            let left = await keysLeft(fleet.endpoints, prefix: keyPrefix)
            let after = outcome.events?.grants(from: recoveredAt &+ 1, to: .max).count ?? 0

            tally.absorb(outcome, faultAt: faultAt, end: end)
            if !left.isEmpty { tally.problems.append("keys left: \(left.prefix(3).joined(separator: ", "))") }
            let errorList = tally.errors.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            let confirmed = tally.errorCount > 0 && stuck == 0 && tally.overlaps == 0 && tally.doubleGrants == 0 && after > 0
            let what = fault == .resets ? "\(resets) connections reset" : "the server stopped for 600 ms"
            let verdict = "With \(what), \(tally.errorCount) errors were counted (\(errorList.isEmpty ? "none" : errorList)), \(stuck) contenders stuck, \(outcome.reconnects) reconnects; \(after) grants after recovery; longest time without a grant \(String(format: "%.0f", tally.meanUnavailabilityMs)) ms; \(tally.overlaps) overlaps; \(left.isEmpty ? "no key left" : "\(left.count) keys left")."
            return tally.row(predicted: "errors counted; none stuck; no overlap; no key left", confirmed: confirmed, verdict: verdict)
        }
    }
}
