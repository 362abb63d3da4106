import RESP
import Testing

@Suite("RESP round trip")
struct RoundTripPropertyTests {
    /// Every random value, encoded and then decoded from random pieces, comes back equal.
    @Test func randomValuesSurviveRandomSplits() {
        let seed: UInt64 = 0x00C0_FFEE_2024
        var values = RandomValues(seed: seed)
        var splits = SplitMix64(seed: seed ^ 0xFFFF)
        var checked = 0
        for index in 0..<2_500 {
            let value = values.value()
            let wire = encoded(value)
            let outcome = decodeRandomly(wire, using: &splits, maxPiece: splits.chance(0.5) ? 3 : 200)
            guard outcome.values == [value], outcome.error == nil, !outcome.midValue else {
                Issue.record("seed \(seed), value #\(index): \(value) decoded as \(outcome)")
                return
            }
            checked += 1
        }
        #expect(checked == 2_500)
    }

    /// The same values as one pipelined stream, as replies arrive on a busy connection.
    @Test func randomValuesBackToBack() {
        let seed: UInt64 = 0x0BAD_5EED
        var values = RandomValues(seed: seed)
        var splits = SplitMix64(seed: seed ^ 0xFFFF)
        let batch = (0..<500).map { _ in values.value() }
        var encoder = RESPEncoder()
        for value in batch { encoder.appendValue(value) }
        #expect(decodeRandomly(encoder.bytes, using: &splits, maxPiece: 300).values == batch, "seed \(seed)")
    }

    /// Doubles must come back bit for bit, which `==` alone would not show for -0.0.
    @Test func doublesKeepTheirBits() throws {
        let seed: UInt64 = 0xD0B1E
        var rng = SplitMix64(seed: seed)
        for _ in 0..<5_000 {
            let bits = rng.next()
            let d = Double(bitPattern: bits)
            guard case .double(let back)? = decodeWhole(encoded(.double(d))).values.first else {
                Issue.record("seed \(seed): \(d) did not decode")
                return
            }
            if d.isNaN {
                #expect(back.isNaN)
            } else {
                #expect(back.bitPattern == bits, "seed \(seed): \(d) came back as \(back)")
            }
        }
    }
}
