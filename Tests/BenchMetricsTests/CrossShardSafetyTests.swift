import BenchMetrics
import Testing

@Suite struct CrossShardSafetyTests {
    func log(_ shard: Int, offset: Double, uncertainty: Double, _ holds: [(key: String, token: String, from: Int64, to: Int64)]) -> GrantLog {
        GrantLog(shard: shard, shards: 2, offsetUs: offset, uncertaintyUs: uncertainty, grants: holds.map {
            GrantInterval(key: $0.key, token: $0.token, fencingToken: nil, grantedUs: $0.from, endUs: $0.to, validUntilUs: $0.to)
        })
    }

    @Test func clearOverlapAcrossShardsIsAViolation() {
        // Shard 1's clock runs 1,000 µs behind the server: its [9_500, 10_500] is [10_500, 11_500] there.
        let verdict = CrossShardSafety.analyse(logs: [
            log(0, offset: 0, uncertainty: 50, [("k", "a", 10_000, 12_000)]),
            log(1, offset: 1_000, uncertainty: 50, [("k", "b", 9_500, 10_500)]),
        ])
        #expect(verdict.violations == 1)
        #expect(verdict.crossShardViolations == 1)
        #expect(verdict.uncertain == 0)
        #expect(verdict.worst.first?.overlapUs == 1_000)
        #expect(verdict.worst.first?.first.grant.token == "a")
        #expect(verdict.description.contains("1 violations (1 between shards)") && verdict.description.contains("for 1000 µs (± 100 µs)"), "\(verdict)")
    }

    @Test func overlapWithinTheUncertaintyIsUncertain() {
        let verdict = CrossShardSafety.analyse(logs: [
            log(0, offset: 0, uncertainty: 60, [("k", "a", 0, 1_000)]),
            log(1, offset: 0, uncertainty: 60, [("k", "b", 900, 2_000)]),
        ])
        #expect(verdict.violations == 0)
        #expect(verdict.uncertain == 1)
        #expect(verdict.worst.isEmpty)
    }

    @Test func theOffsetCanRemoveAnApparentOverlap() {
        // Shard 1 appears to overlap shard 0 on wall clocks, but its clock is 500 µs ahead of the server's.
        let verdict = CrossShardSafety.analyse(logs: [
            log(0, offset: 0, uncertainty: 10, [("k", "a", 0, 1_000)]),
            log(1, offset: -500, uncertainty: 10, [("k", "b", 1_600, 2_000), ("other", "c", 0, 5_000)]),
        ])
        #expect(verdict == CrossShardVerdict.with(pairsChecked: 1))
    }

    @Test func disjointHoldsAndOtherKeysGiveNothing() {
        let verdict = CrossShardSafety.analyse(logs: [
            log(0, offset: 0, uncertainty: 10, [("k", "a", 0, 100), ("k", "c", 200, 300), ("j", "d", 0, 1_000)]),
            log(1, offset: 0, uncertainty: 10, [("k", "b", 100, 200), ("j2", "e", 0, 1_000)]),
        ])
        #expect(verdict.violations == 0)
        #expect(verdict.uncertain == 0)
        #expect(verdict.pairsChecked == 2)
    }

    @Test func overlapWithinOneShardNeedsNoMargin() {
        let verdict = CrossShardSafety.analyse(logs: [
            log(0, offset: 0, uncertainty: 500, [("k", "a", 0, 1_000), ("k", "b", 990, 2_000)]),
        ])
        #expect(verdict.violations == 1)
        #expect(verdict.crossShardViolations == 0)
    }
}

extension CrossShardVerdict {
    static func with(pairsChecked: Int) -> CrossShardVerdict {
        var verdict = CrossShardVerdict()
        verdict.pairsChecked = pairsChecked
        return verdict
    }
}

@Suite struct CrossShardFenceTests {
    @Test func aLowerTokenWrittenAfterAnotherShardsHigherOneIsStale() {
        func grant(_ token: Int64, _ from: Int64, _ to: Int64) -> GrantInterval {
            GrantInterval(key: "k", token: "t\(token)", fencingToken: token, grantedUs: from, endUs: to, validUntilUs: from + 10)
        }
        let verdict = CrossShardSafety.analyse(logs: [
            GrantLog(shard: 0, shards: 2, offsetUs: 0, uncertaintyUs: 1, grants: [grant(1, 0, 100), grant(3, 200, 300)]),
            GrantLog(shard: 1, shards: 2, offsetUs: 0, uncertaintyUs: 1, grants: [grant(2, 20, 50)]),
        ])
        #expect(verdict.staleWrites == 1)
        #expect(verdict.crossShardStaleWrites == 1)
    }
}
