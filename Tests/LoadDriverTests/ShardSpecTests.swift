import LoadDriver
import Testing

/// The shard split, seed and run id rules every pod must compute alike.
@Suite("ShardSpec")
struct ShardSpecTests {
    @Test("the slices cover every contender exactly once, sizes within one", arguments: [(10, 3), (8, 2), (7, 7), (100_000, 16), (5, 4)])
    func slicesPartition(total: Int, count: Int) {
        let slices = (0..<count).map { ShardSpec(index: $0, count: count, baseSeed: 1).contenders(of: total) }
        #expect(slices.flatMap { Array($0) } == Array(0..<total))
        let sizes = slices.map(\.count)
        #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1, "sizes \(sizes)")
    }

    @Test("seeds differ per shard and repeat for the same base seed")
    func seeds() {
        let seeds = (0..<8).map { ShardSpec(index: $0, count: 8, baseSeed: 42).seed }
        #expect(Set(seeds).count == 8)
        #expect(seeds == (0..<8).map { ShardSpec(index: $0, count: 8, baseSeed: 42).seed })
        #expect(seeds != (0..<8).map { ShardSpec(index: $0, count: 8, baseSeed: 43).seed })
    }

    @Test("the derived run id depends on seed, N and target only")
    func derivedRunID() {
        let id = ShardSpec.derivedRunID(seed: 42, count: 4, target: "10.0.0.1:6379")
        #expect(id == ShardSpec.derivedRunID(seed: 42, count: 4, target: "10.0.0.1:6379"))
        #expect(id != ShardSpec.derivedRunID(seed: 42, count: 3, target: "10.0.0.1:6379"))
        #expect(id != ShardSpec.derivedRunID(seed: 41, count: 4, target: "10.0.0.1:6379"))
        #expect(id.hasPrefix("shard-") && id.count == "shard-".count + 16)
    }

    @Test("I/N parsing and the Indexed Job environment")
    func parsing() throws {
        #expect(try ShardSpec.parse("2/4") == (2, 4))
        for bad in ["4/4", "1/0", "-1/2", "x", "1/", "/2", "1/2/3"] {
            #expect(throws: ShardSpecError.self, "\(bad)") { try ShardSpec.parse(bad) }
        }
        #expect(try ShardSpec.fromEnvironment([:]) == nil)
        let fromJob = try #require(try ShardSpec.fromEnvironment(["JOB_COMPLETION_INDEX": "1", "JOB_COMPLETIONS": "3"]))
        #expect(fromJob == (1, 3))
        #expect(throws: ShardSpecError.self) { try ShardSpec.fromEnvironment(["JOB_COMPLETION_INDEX": "1"]) }
        #expect(throws: ShardSpecError.self) { try ShardSpec.fromEnvironment(["JOB_COMPLETION_INDEX": "3", "JOB_COMPLETIONS": "3"]) }
    }

    @Test("the clock offset comes from the round trip with the smallest RTT, ± half of it")
    func clockOffset() throws {
        // Server 1000 µs ahead; the second sample's round trip (10 µs) is the tightest.
        let samples: [(sentUs: Double, serverUs: Double, receivedUs: Double)] = [
            (0, 1_030, 100), (200, 1_205, 210), (300, 1_400, 380),
        ]
        let offset = try #require(ClockOffset.estimate(samples))
        #expect(offset.offsetUs == 1_000)
        #expect(offset.uncertaintyUs == 5)
        #expect(ClockOffset.estimate([]) == nil)
    }
}
