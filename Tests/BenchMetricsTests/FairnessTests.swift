import BenchMetrics
import Testing

@Suite struct FairnessTests {
    @Test func equalGrantsAreOne() {
        #expect(Fairness.jainIndex([7, 7, 7, 7]) == 1.0)
        let f = Fairness(grants: [5, 5, 5])
        #expect(f.jain == 1.0)
        #expect(f.cv == 0)
        #expect(f.starved == 0)
    }

    @Test(arguments: [1, 2, 10, 1_000])
    func oneWinnerIsOneOverN(n: Int) throws {
        var grants = Array(repeating: 0, count: n)
        grants[n / 2] = 12_345
        let jain = try #require(Fairness.jainIndex(grants))
        #expect(abs(jain - 1.0 / Double(n)) < 1e-12)
        let f = Fairness(grants: grants)
        #expect(f.starved == n - 1)
        #expect(f.min == (n == 1 ? 12_345 : 0))
        #expect(f.max == 12_345)
    }

    @Test func mixedKnownValue() throws {
        // (1+2+3)² / (3 · (1+4+9)) = 36/42.
        let jain = try #require(Fairness.jainIndex([1, 2, 3]))
        #expect(abs(jain - 36.0 / 42.0) < 1e-12)
        // (0+4+4+8)² / (4 · (0+16+16+64)) = 256/384.
        let f = Fairness(grants: [0, 4, 4, 8])
        #expect(abs(try #require(f.jain) - 256.0 / 384.0) < 1e-12)
        #expect(f.starved == 1)
        #expect(f.min == 0 && f.max == 8)
        // mean 4, population variance (16+0+0+16)/4 = 8.
        #expect(abs(try #require(f.cv) - 8.0.squareRoot() / 4) < 1e-12)
    }

    @Test func nothingGrantedIsUndefinedNotFair() {
        #expect(Fairness.jainIndex([0, 0, 0]) == nil)
        #expect(Fairness.jainIndex([]) == nil)
        let f = Fairness(grants: [0, 0])
        #expect(f.jain == nil)
        #expect(f.cv == nil)
        #expect(f.starved == 2)
    }

    @Test func hugeCountsDoNotOverflow() throws {
        let jain = try #require(Fairness.jainIndex(Array(repeating: Int(Int32.max) * 4, count: 10_000)))
        #expect(abs(jain - 1) < 1e-9)
    }
}
