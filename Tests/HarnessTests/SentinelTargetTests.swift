import Foundation
import Harness
import LoadDriver
import Locks
import RedisConnection
import RedisFleet
import TestSupport
import Testing

/// The Sentinel target against real processes: a primary, a replica and three sentinels. A run is
/// followed across a failover to the new primary; bad targets are refused with the flag to fix.
@Suite(.serialized) struct SentinelTargetTests {
    /// Small enough for a quick failover, large enough that a busy machine does not fail over by itself.
    static let downAfterMs = 400

    /// Runs `body` on a fresh primary + replica + 3 sentinels, stopped afterwards whatever happens.
    static func withTopology<R>(_ body: (SentinelTopology) async throws -> R) async throws -> R {
        try await RedisFleet.startSentinelTopology(replicas: 1, sentinels: 3, masterName: "lockbench-test", downAfterMs: downAfterMs).use(body)
    }

    static func scenario(_ client: RedisClientKind, _ deployment: Deployment, algorithm: LockAlgorithmKind = .setnxPX) -> Scenario {
        var scenario = Scenario(
            client: client, deployment: deployment,
            connection: ConnectionSettings(commandTimeoutMs: 1_000, connectTimeoutMs: 500),
            lock: LockSpec(algorithm: algorithm, wait: .fixed(delay: 5), ttlMs: 500),
            contenders: 6, keys: 3, connections: 3, pipeline: 0, hold: .fixed(us: 1_000), think: .fixed(us: 0), mode: .closed,
            // The test ends the run once it has seen what it needs.
            durationS: 3_600, warmupS: 0, requests: nil, seed: 7, queues: 2, acquireTimeoutMs: 2_000, replyWaitUs: 0)
        // Only for the test's own `waitForGrant`: the failover figures come from the lanes, not the log.
        scenario.eventLogCapacity = 100_000
        return scenario
    }

    /// Runs a load on `topology`, fails it over with each of `methods` in turn (each after a grant),
    /// waits for a grant after each switch, and returns what the run measured with the last primary.
    /// `beforeFailover` breaks something else first (a sentinel) once the load runs.
    static func followFailover(
        _ topology: SentinelTopology, client: RedisClientKind, methods: [SentinelTopology.FailoverMethod], algorithm: LockAlgorithmKind,
        beforeFailover: () -> Void = {}
    ) async throws -> (DriverOutcome, Endpoint) {
        let deployment = Deployment.sentinel(.external(sentinels: topology.sentinelEndpoints, masterName: topology.masterName))
        let session = try await HarnessSession.open(for: [scenario(client, deployment, algorithm: algorithm)], catchInterrupts: false)
        var mark = LockClock.monotonicNanos()
        let live = try await session.start(scenario(client, deployment, algorithm: algorithm), keyPrefix: uniquePrefix())
        #expect(live.endpoints == [topology.primaryEndpoint])
        beforeFailover()
        var newPrimary = topology.primaryEndpoint
        for method in methods {
            let before = await live.load.waitForGrant(after: mark, boundMs: 20_000)
            #expect(before != nil, "no grant before the failover from \(newPrimary)")
            newPrimary = topology.servers.endpoints[try await topology.failover(method)]
            mark = LockClock.monotonicNanos()
            let after = await live.load.waitForGrant(after: mark, boundMs: 30_000)
            #expect(after != nil, "no grant after the failover to \(newPrimary)")
        }
        let outcome = try await live.finish(reason: "test done").get()
        await session.close()
        return (outcome, newPrimary)
    }

    @Test("SENTINEL FAILOVER mid-run: the run follows +switch-master to the new primary, reports the window, and sees no double grant",
          arguments: allClients)
    func plannedFailover(client: RedisClientKind) async throws {
        let (outcome, newPrimary, oldPrimary) = try await Self.withTopology { topology in
            let (outcome, newPrimary) = try await Self.followFailover(topology, client: client, methods: [.sentinelCommand], algorithm: .setnxPX)
            return (outcome, newPrimary, topology.servers.endpoints[0])
        }
        let failover = try #require(outcome.failovers.first, "no failover reported")
        #expect(failover.to == newPrimary)
        #expect(failover.from == oldPrimary)
        #expect(failover.lastGrantBeforeMs != nil)
        #expect(failover.firstGrantAfterMs != nil)
        #expect(failover.unavailableMs != nil)
        #expect(outcome.recorder.safety.doubleGrants == 0)
        #expect(outcome.recorder.safety.mutexOverlaps == 0)
        #expect(outcome.partial, "ended by the test")
        #expect(outcome.fatalError == nil)
    }

    @Test("the primary killed mid-run: grants resume on the promoted replica and the window is reported")
    func killedPrimary() async throws {
        let (outcome, newPrimary) = try await Self.withTopology { topology in
            try await Self.followFailover(topology, client: .native, methods: [.killPrimary], algorithm: .fenced)
        }
        let failover = try #require(outcome.failovers.first, "no failover reported")
        #expect(failover.to == newPrimary)
        #expect(failover.firstGrantAfterMs != nil)
        // The dead primary failed acquisitions (refused connections) until Sentinel promoted the replica.
        #expect(failover.errors + failover.failedAcquisitions > 0)
        #expect(outcome.reconnects > 0)
    }

    @Test("two failovers in one run are both followed and each reported, in order")
    func twoFailovers() async throws {
        let (outcome, last, servers) = try await Self.withTopology { topology in
            let (outcome, last) = try await Self.followFailover(topology, client: .native, methods: [.sentinelCommand, .sentinelCommand], algorithm: .setnxPX)
            return (outcome, last, topology.servers.endpoints)
        }
        #expect(outcome.failovers.count == 2, "\(outcome.failovers)")
        #expect(outcome.failovers.map(\.to) == [servers[1], servers[0]])
        #expect(outcome.failovers.last?.to == last)
        #expect(outcome.failovers.allSatisfy { $0.firstGrantAfterMs != nil }, "\(outcome.failovers)")
        #expect(outcome.recorder.safety.doubleGrants == 0)
    }

    @Test("the sentinel the run listens to dies, then the primary: the run still follows it through the others")
    func deadSentinel() async throws {
        let (outcome, newPrimary) = try await Self.withTopology { topology in
            // The follower subscribes through the first sentinel.
            try await Self.followFailover(topology, client: .native, methods: [.killPrimary], algorithm: .setnxPX) {
                topology.sentinels.kill(0)
            }
        }
        let failover = try #require(outcome.failovers.first, "no failover reported")
        #expect(failover.to == newPrimary)
        #expect(failover.firstGrantAfterMs != nil)
    }
}
