import Dispatch
import Locks
import RedisConnection
import RedisFleet
import TestSupport
import Testing

@testable import RedisCluster

/// Redlock on a cluster: node i's copy of a lock lives on primary i.
@Suite(.serialized) struct RedlockPlacementTests {
    @Test("a Redlock grant holds one copy of the key on each of N different primaries", arguments: allClients)
    func copiesOnDistinctPrimaries(_ kind: RedisClientKind) async throws {
        try await withCluster { fleet in
            let queue = DispatchQueue(label: "test.redlock.cluster")
            let wheel = TimerWheel(queue: queue)
            let primaries = try #require(fleet.clusterLayout).primaries.map(\.endpoint)
            let spec = LockSpec(algorithm: .redlock, wait: .spin, ttlMs: 10_000, redlock: RedlockSpec(nodes: 3))
            let context = try await LockContext.open(
                spec: spec, connector: ClusterConnector(wrapping: connector(kind)), endpoints: primaries, wheel: wheel, seed: 3)
            let locker = await context.onQueue { context.makeLocker() }
            let prefix = uniquePrefix()
            let key = prefix + "{5}"
            guard case .granted(let grant) = await locker.acquire(key: key, timeoutMs: 5_000) else {
                Issue.record("redlock on the cluster was not granted")
                return
            }
            // Each primary holds exactly one copy (a sibling key tagged for it), with the grant's token.
            var holders: [Endpoint] = []
            for endpoint in primaries {
                let keys = try probeCommands([["KEYS", prefix + "*"]], at: endpoint).first?.elements?.compactMap(\.string) ?? []
                if keys.count == 1 {
                    holders.append(endpoint)
                    #expect(try probeCommands([["GET", keys[0]]], at: endpoint).first?.string == grant.token)
                }
            }
            #expect(holders.count == 3, "copies found on \(holders)")
            let released = await locker.release(grant)
            #expect(released.nodesReleased == 3, "\(released)")
            for endpoint in primaries {
                #expect(try probeCommands([["KEYS", prefix + "*"]], at: endpoint).first?.elements?.isEmpty == true)
            }
            await context.onQueue { context.close() }
        }
    }
}
