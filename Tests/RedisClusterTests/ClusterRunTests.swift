import Dispatch
import Harness
import LoadDriver
import Locks
import RedisConnection
import RedisFleet
import TestSupport
import Testing

@testable import RedisCluster

/// Lock runs through the harness on an embedded 3-primary cluster: every algorithm and wait on both
/// clients, and a slot migrated under a busy key mid-run.
@Suite(.serialized) struct ClusterRunTests {
    static let topology = Deployment.cluster(.embedded(primaries: 3, replicas: 0))

    func scenario(
        _ client: RedisClientKind, _ algorithm: LockAlgorithmKind, _ wait: WaitStrategy.Kind,
        keys: Int = 3, contenders: Int = 6, requests: Int? = 60, durationS: Double = 30
    ) -> Scenario {
        Scenario(
            client: client, deployment: Self.topology, connection: ConnectionSettings(),
            lock: LockSpec(algorithm: algorithm, wait: WaitStrategy.defaults(wait), ttlMs: 10_000, redlock: RedlockSpec(nodes: 3)),
            contenders: contenders, keys: keys, connections: 1, pipeline: 0, hold: .fixed(us: 200), think: .fixed(us: 0), mode: .closed,
            durationS: durationS, warmupS: 0, requests: requests, seed: 7, queues: 1)
    }

    @Test("every algorithm and wait on both clients: no CROSSSLOT, no error, no violation where exclusion is promised")
    func everyAlgorithmAndWait() async throws {
        var runs: [Scenario] = []
        for algorithm in LockAlgorithmKind.allCases where algorithm.store == .redis {
            for wait in algorithm.supportedWaits {
                for client in allClients { runs.append(scenario(client, algorithm, wait)) }
            }
        }
        let session = try await HarnessSession.open(for: runs, catchInterrupts: false)
        let fleet = try #require(session.servers.cluster)
        for run in runs {
            let label = "\(run.client) \(run.lock.algorithm)/\(run.lock.wait.kind)"
            let prefix = uniquePrefix()
            let result = try await session.run(run, runID: "t", keyPrefix: prefix)
            let cluster = try #require(result.cluster, "\(label): no cluster figures")
            #expect(cluster.crossSlot == 0, "\(label)")
            #expect(cluster.shards.count == 3, "\(label)")
            #expect(result.error == nil, "\(label): \(result.error ?? "")")
            #expect(result.measurements.acquisitions > 0, "\(label)")
            #expect(result.measurements.errors == 0, "\(label)")
            if run.lock.algorithm.promisesExclusion {
                #expect(result.measurements.safety.mutexOverlaps == 0, "\(label)")
                #expect(result.measurements.safety.doubleGrants == 0, "\(label)")
            }
            // Cleanup reached every primary (SCAN is per node), slot by slot.
            for endpoint in fleet.endpoints {
                let left = try probeCommands([["KEYS", prefix + "*"]], at: endpoint)
                #expect(left.first?.elements?.isEmpty == true, "\(label): keys left on \(endpoint)")
            }
        }
        await session.close()
    }

    @Test("a slot migrated under a busy key mid-run: ASK and MOVED followed, locks keep working, no violation", arguments: allClients)
    func migrationMidRun(_ client: RedisClientKind) async throws {
        let run = scenario(client, .fenced, .backoff, keys: 1, contenders: 4, requests: nil, durationS: 4)
        let session = try await HarnessSession.open(for: [run], catchInterrupts: false)
        let fleet = try #require(session.servers.cluster)
        let prefix = uniquePrefix()
        let key = LoadRun.keyName(prefix: prefix, key: 0)
        let slot = HashSlot.slot(of: key)
        let layout = try #require(fleet.clusterLayout)
        let from = try #require(layout.owner(ofSlot: slot)).index
        let to = try #require(layout.primaries.map(\.index).first { $0 != from })
        let running = Task { try await session.run(run, runID: "t", keyPrefix: prefix) }
        // Wait for the first grant (the key then exists on its owner), then migrate in steps, leaving
        // the run time in each state: half-migrated (ASK, and TRYAGAIN for the two-key fencing script),
        // then moved (MOVED).
        let started = await eventually(boundSeconds: 30) {
            ((try? probeCommands([["EXISTS", key + ":fence"]], at: fleet.endpoints[from]))?.first?.integer ?? 0) == 1
        }
        #expect(started, "the run never created its fencing counter")
        try fleet.beginMigration(slot: slot, from: from, to: to)
        try await Task.sleep(for: .milliseconds(300))
        try fleet.migrateKeys(slot: slot, from: from, to: to)
        try await Task.sleep(for: .milliseconds(300))
        try await fleet.finishMigration(slot: slot, from: from, to: to)
        let result = try await running.value
        await session.close()
        let cluster = try #require(result.cluster)
        print("migration test (\(client)): moved \(cluster.moved), ask \(cluster.ask), tryagain \(cluster.tryAgain), clusterdown \(cluster.clusterDown), crossslot \(cluster.crossSlot); \(result.measurements.acquisitions) acquisitions, \(result.measurements.errors) errors")
        #expect(cluster.ask > 0)
        #expect(cluster.moved > 0)
        #expect(cluster.crossSlot == 0)
        #expect(result.error == nil)
        #expect(result.measurements.acquisitions > 0)
        #expect(result.measurements.safety.mutexOverlaps == 0)
        #expect(result.measurements.safety.doubleGrants == 0)
        #expect(result.measurements.safety.staleWritesRejected == 0)
    }

    @Test("lock keys spread evenly over a cluster's shards, whatever the key count", arguments: [3, 5])
    func keysSpreadEvenly(primaries: Int) {
        let map = SlotMap(shards: ClusterLayoutSlots.even(primaries).enumerated().map { i, range in
            SlotMap.Shard(primary: .tcp(host: "127.0.0.1", port: 7000 + i), ranges: [range])
        })
        let prefix = "lockbench:20261206-000000-abcd:0:native:"
        var perShard = Array(repeating: 0, count: primaries)
        for keys in 1...400 {
            perShard[map.shard(forKey: LoadRun.keyName(prefix: prefix, key: keys - 1))!] += 1
            // Every first K keys: each shard within 3 keys of an even share (the plain index as a tag
            // leaves a shard of 3 with no key at K = 3, and 10 of 40).
            let even = Double(keys) / Double(primaries)
            #expect(perShard.allSatisfy { abs(Double($0) - even) <= 3 }, "\(keys) keys: \(perShard)")
        }
        // Every key of one lock shares the lock key's slot.
        let key = LoadRun.keyName(prefix: prefix, key: 17)
        for sibling in [LockKeys.fence(key), LockKeys.queue(key), LockKeys.queueDeadlines(key), LockKeys.channel(key)] {
            #expect(HashSlot.slot(of: sibling) == HashSlot.slot(of: key))
        }
    }

    @Test("the spread tag lands each index on its target slot")
    func spreadTagTargets() {
        for index in [0, 1, 2, 17, 999, 16_383, 16_384, 1_000_000] {
            #expect(HashSlot.slot(of: HashSlot.spreadTag(index)) == (index * 10127) % 16384, "\(HashSlot.spreadTag(index))")
        }
    }
}

enum ClusterLayoutSlots {
    static func even(_ n: Int) -> [ClosedRange<Int>] { ClusterLayout.evenSlotRanges(primaries: n) }
}
