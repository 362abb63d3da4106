import Foundation
import Locks
import LoadDriver
import Testing

/// `--key-dist` parsing and the key generators on their own: seeded, allocation-free draws whose
/// shares match the distribution they name. Statistical bounds are loose and samples many, so a
/// correct generator cannot fail them and a wrong one (unskewed, or skewed the wrong way) cannot pass.
@Suite("KeyDistribution")
struct KeyDistributionTests {
    static func draws(_ distribution: KeyDistribution, keys: Int, count: Int, seed: UInt64 = 42) -> [Int] {
        let sampler = KeySampler(distribution, keys: keys)!
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in sampler.next(&rng) }
    }

    static func histogram(_ draws: [Int], keys: Int) -> [Int] {
        var counts = Array(repeating: 0, count: keys)
        for key in draws { counts[key] += 1 }
        return counts
    }

    @Test("the flag's forms parse and print back as given", arguments: ["fixed", "uniform", "zipf:0.99", "zipf:0.5", "hotspot:20%/80%", "hotspot:0.5%/99.5%"])
    func roundTrip(text: String) throws {
        #expect(try KeyDistribution(parsing: text).description == text)
    }

    @Test("zipf alone is YCSB's θ 0.99; hotspot's % signs are optional")
    func shorthands() throws {
        #expect(try KeyDistribution(parsing: "zipf") == .zipf(theta: 0.99))
        #expect(try KeyDistribution(parsing: "hotspot:20/80") == .hotspot(hotKeysPct: 20, hotAccessPct: 80))
    }

    @Test("bad values name --key-dist, the value and the accepted forms",
          arguments: ["zipf:1.5", "zipf:x", "zipf:0", "zipf:1", "hotspot:120%/80%", "hotspot:20%", "hotspot:20%/0%", "hotspot", "pareto", "uniform:3", ""])
    func refused(text: String) {
        #expect {
            try KeyDistribution(parsing: text)
        } throws: { error in
            let message = "\(error)"
            return message.hasPrefix("--key-dist '\(text)'") && message.contains("zipf:θ") && message.contains("hotspot:P%/Q%")
                && message.contains("uniform") && message.contains("fixed")
        }
    }

    @Test("the same seed draws the same keys; another seed draws others",
          arguments: [KeyDistribution.uniform, .zipf(theta: 0.99), .hotspot(hotKeysPct: 20, hotAccessPct: 80)])
    func seeded(distribution: KeyDistribution) {
        let a = Self.draws(distribution, keys: 1_000, count: 500, seed: 1)
        #expect(a == Self.draws(distribution, keys: 1_000, count: 500, seed: 1))
        #expect(a != Self.draws(distribution, keys: 1_000, count: 500, seed: 2))
        #expect(a.allSatisfy { (0..<1_000).contains($0) })
    }

    @Test("fixed draws nothing: contender i keeps key i mod keys")
    func fixedHasNoSampler() {
        #expect(KeySampler(.fixed, keys: 10) == nil)
        #expect(KeyDistribution.fixed.expectedShares(keys: 4, contenders: 10) == [0.3, 0.3, 0.2, 0.2])
    }

    @Test("zipf 0.99 over 100 keys: key 0 takes about its 1/ζ share, and shares fall with the rank")
    func zipfSkew() {
        let keys = 100
        let counts = Self.histogram(Self.draws(.zipf(theta: 0.99), keys: keys, count: 200_000), keys: keys)
        let expected = KeyDistribution.zipf(theta: 0.99).expectedShares(keys: keys, contenders: 1)
        let share0 = Double(counts[0]) / 200_000
        // ζ(100, 0.99) ≈ 5.3, so key 0 expects about 19%, 19× uniform's 1%.
        #expect(abs(share0 - expected[0]) < 0.01, "key 0 got \(share0), expected \(expected[0])")
        #expect(share0 > 10.0 / Double(keys))
        #expect(counts[0] > counts[1] && counts[1] > counts[2] && counts[2] > counts[10] && counts[10] > counts[90])
        #expect(abs(expected.reduce(0, +) - 1) < 1e-9)
    }

    @Test("hotspot 20%/80%: the first fifth of the keys get about 80% of the draws, evenly")
    func hotspotShares() {
        let keys = 50
        let counts = Self.histogram(Self.draws(.hotspot(hotKeysPct: 20, hotAccessPct: 80), keys: keys, count: 100_000), keys: keys)
        let hot = Double(counts[0..<10].reduce(0, +)) / 100_000
        #expect(abs(hot - 0.8) < 0.01, "hot set got \(hot)")
        #expect(counts.allSatisfy { $0 > 0 })
        // Within the hot set each key expects 8%; within the cold set 0.5%.
        #expect(counts[0..<10].allSatisfy { abs(Double($0) / 100_000 - 0.08) < 0.01 })
    }

    @Test("uniform covers every key about equally")
    func uniformShares() {
        let counts = Self.histogram(Self.draws(.uniform, keys: 20, count: 100_000), keys: 20)
        #expect(counts.allSatisfy { abs(Double($0) / 100_000 - 0.05) < 0.01 })
    }

    @Test("θ near its bounds draws in range, key 0 at its expected share", arguments: [0.001, 0.5, 0.999])
    func thetaBounds(theta: Double) {
        let keys = 100_000
        let drawn = Self.draws(.zipf(theta: theta), keys: keys, count: 50_000)
        #expect(drawn.allSatisfy { (0..<keys).contains($0) })
        let expected = KeyDistribution.zipf(theta: theta).expectedShares(keys: keys, contenders: 1)
        let share0 = Double(drawn.count { $0 == 0 }) / 50_000
        #expect(abs(share0 - expected[0]) < 0.01, "key 0 got \(share0), expected \(expected[0])")
    }

    @Test("one or two keys: zipf and hotspot still draw in range")
    func tinyKeySpaces() {
        for keys in 1...2 {
            for distribution in [KeyDistribution.zipf(theta: 0.5), .hotspot(hotKeysPct: 10, hotAccessPct: 90), .uniform] {
                let drawn = Set(Self.draws(distribution, keys: keys, count: 2_000))
                #expect(drawn == Set(0..<keys), "\(distribution) over \(keys) keys drew \(drawn.sorted())")
            }
        }
    }
}

extension KeyDistributionTests {
    @Test("a scenario saved before --key-dist existed decodes as fixed; JSON carries the flag's text")
    func olderScenariosDecode() throws {
        let s = Scenario(
            client: .native, lock: LockSpec(algorithm: .setnxPX, wait: .spin, ttlMs: 1_000), contenders: 4, keys: 2, connections: 1,
            pipeline: 0, hold: .fixed(us: 0), think: .fixed(us: 0), mode: .closed, durationS: 1, warmupS: 0, requests: nil, seed: 1,
            queues: 1, keyDist: .hotspot(hotKeysPct: 20, hotAccessPct: 80))
        let data = try JSONEncoder().encode(s)
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["keyDist"] as? String == "hotspot:20%/80%")
        #expect(try JSONDecoder().decode(Scenario.self, from: data) == s)
        object["keyDist"] = nil
        let older = try JSONDecoder().decode(Scenario.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(older.keyDist == .fixed)
        object["keyDist"] = "zipf:7"
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Scenario.self, from: JSONSerialization.data(withJSONObject: object)) }
    }
}
