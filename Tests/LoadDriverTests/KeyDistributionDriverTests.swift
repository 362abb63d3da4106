import LoadDriver
import Locks
import RedisConnection
import RedisFleet
import Testing
import TestSupport

/// Drawn keys through the driver against a real redis-server, over two lanes (so one key's holders
/// come from both): per-key grants add up, follow the distribution, and the witness still sees one
/// holder at a time. Counts only, never durations.
@Suite("LoadDriver key distributions", .serialized)
struct KeyDistributionDriverTests {
    @Test("zipf: per-key grants sum to the acquisitions and the top key takes far more than 1/keys", arguments: allClients)
    func zipfSkewed(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            let keys = 40
            let s = scenario(client, fleet: fleet, wait: .backoff(base: 1, cap: 4), contenders: 24, keys: keys, connections: 2,
                             durationS: 60, requests: 3_000, queues: 2, keyDist: .zipf(theta: 0.99))
            let outcome = try await drive(s, fleet: fleet)
            let recorder = outcome.recorder
            let byKey = try #require(recorder.grantsByKey)
            #expect(byKey.count == keys)
            #expect(byKey.reduce(0, +) == recorder.acquisitions)
            #expect(recorder.acquisitions == 3_000)
            let top = Double(byKey.max() ?? 0) / Double(recorder.acquisitions)
            // ζ(40, 0.99) ≈ 4.3: key 0 expects about 23%, against 2.5% for an even spread.
            #expect(top > 4.0 / Double(keys), "top key's share \(top)")
            #expect(byKey.firstIndex(of: byKey.max()!) == 0)
            #expect(recorder.safety.mutexOverlaps == 0)
            #expect(recorder.safety.doubleGrants == 0)
        }
    }

    @Test("hotspot 20%/80%: about 80% of grants land on the first 20% of the keys", arguments: allClients)
    func hotspotShare(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            let s = scenario(client, fleet: fleet, wait: .backoff(base: 1, cap: 4), contenders: 24, keys: 50, connections: 2,
                             durationS: 60, requests: 4_000, queues: 2, keyDist: .hotspot(hotKeysPct: 20, hotAccessPct: 80))
            let outcome = try await drive(s, fleet: fleet)
            let byKey = try #require(outcome.recorder.grantsByKey)
            let total = byKey.reduce(0, +)
            #expect(total == outcome.recorder.acquisitions)
            let hot = Double(byKey[0..<10].reduce(0, +)) / Double(total)
            // Draws are 80% hot; grants follow them except for the few acquisitions the quota cuts off.
            #expect(hot > 0.7 && hot < 0.9, "hot keys got \(hot) of \(total) grants")
            #expect(outcome.recorder.safety.mutexOverlaps == 0)
        }
    }

    @Test("fixed is unchanged: each key's grants are exactly those of the contenders i with i mod keys == key")
    func fixedKeepsKeys() async throws {
        try await withFleet { fleet in
            let keys = 6
            let s = scenario(.native, fleet: fleet, contenders: 18, keys: keys, connections: 2, durationS: 60, requests: 1_500, queues: 2)
            let outcome = try await drive(s, fleet: fleet)
            let byKey = try #require(outcome.recorder.grantsByKey)
            var fromContenders = Array(repeating: 0, count: keys)
            for (i, grants) in outcome.recorder.grants.enumerated() { fromContenders[i % keys] += grants }
            #expect(byKey == fromContenders)
            #expect(byKey.allSatisfy { $0 > 0 })
        }
    }

    @Test("drawn keys on a contended key set: the witness across lanes sees no overlap, handoffs are timed", arguments: allClients)
    func sharedWitness(client: RedisClientKind) async throws {
        try await withFleet { fleet in
            let s = scenario(client, fleet: fleet, contenders: 16, keys: 3, connections: 2, hold: .fixed(us: 500),
                             durationS: 60, requests: 600, queues: 2, keyDist: .uniform)
            let outcome = try await drive(s, fleet: fleet)
            let recorder = outcome.recorder
            #expect(recorder.acquisitions == 600)
            #expect(recorder.safety.mutexOverlaps == 0)
            #expect(recorder.handoffLatency.count > 0)
            #expect(recorder.handoffLatency.count <= UInt64(recorder.acquisitions))
        }
    }
}

extension KeyDistributionDriverTests {
    @Test("the witness of a drawn key sees holders from every lane: a TTL shorter than the hold shows overlaps")
    func witnessSpansLanes() async throws {
        try await withFleet { fleet in
            // Two lanes, one contender each: two holders of one key can only meet across lanes.
            var s = scenario(.native, fleet: fleet, contenders: 2, keys: 2, connections: 2, hold: .fixed(us: 10_000),
                             durationS: 60, requests: 120, queues: 2, keyDist: .uniform)
            s.lock.ttlMs = 2
            let outcome = try await drive(s, fleet: fleet)
            #expect(outcome.recorder.acquisitions == 120)
            #expect(outcome.recorder.safety.mutexOverlaps > 0)
            // The earlier holder's lease had run out each time: an expired lock, not a double grant.
            #expect(outcome.recorder.safety.doubleGrants == 0)
        }
    }
}
