import RESP
import Testing

/// Hostile and broken input must end in a value, `nil` or a `RESPDecodeError`: never a trap,
/// a hang, or memory out of proportion to the input. Limits are tight so that mutated
/// lengths hit them; the seed is fixed and printed so any failure replays.
@Suite("RESPDecoder fuzz")
struct FuzzTests {
    private static let limits = RESPLimits(maxBulkLength: 1 << 12, maxDepth: 6, maxLineLength: 128, maxAggregateCount: 64)
    private static let typeBytes = Array(wire: "+-:$*_#,(!=%~>|")
    private static let interesting = Array(wire: "\r\n0123456789-+.einaft:") + typeBytes

    @Test func randomAndMutatedInputs() {
        let seed: UInt64 = 0xF022_0001
        print("RESP fuzz seed \(seed)")
        var rng = SplitMix64(seed: seed)
        var generator = RandomValues(seed: seed ^ 0x1234)
        generator.maxDepth = 4
        // A pool of valid encodings to mutate; building values is slower than decoding them.
        let pool: [[UInt8]] = (0..<400).map { _ in
            var encoder = RESPEncoder()
            for _ in 0..<rng.int(1...3) { encoder.appendValue(generator.value()) }
            return Array(encoder.bytes.prefix(600))
        }

        var inputs = 0
        var calls = 0
        var values = 0
        var errors = 0
        var disagreements = 0
        for _ in 0..<100_000 {
            let input = rng.chance(0.3) ? randomBytes(&rng) : mutate(pool[rng.int(0...(pool.count - 1))], &rng)
            let whole = run(input, pieces: [], calls: &calls)
            let split = run(input, pieces: randomPieces(input.count, &rng), calls: &calls)
            inputs += 1
            values += whole.values.count
            if whole.error != nil { errors += 1 }
            // Splitting must not change what comes out (NaN aside, which never equals itself).
            if split != whole && !"\(whole)".contains("nan") {
                disagreements += 1
                if disagreements == 1 { Issue.record("seed \(seed): \(input) gave \(whole) whole, \(split) split") }
            }
        }
        print("RESP fuzz: \(inputs) inputs, \(calls) next() calls, \(values) values, \(errors) errors")
        #expect(inputs >= 100_000)
        #expect(disagreements == 0)
        // Both outcomes must occur, or the mutations are not reaching the parser.
        #expect(values > 10_000)
        #expect(errors > 10_000)
    }

    /// With no practical limits, mutated lengths reach the arithmetic instead of a bound.
    @Test func inputsUnderUnboundedLimits() {
        let seed: UInt64 = 0xF022_0002
        print("RESP unbounded-limits fuzz seed \(seed)")
        var rng = SplitMix64(seed: seed)
        let unbounded = RESPLimits(maxBulkLength: .max, maxDepth: .max, maxLineLength: .max, maxAggregateCount: .max)
        var calls = 0
        var inputs = 0
        for _ in 0..<20_000 {
            var input = randomBytes(&rng)
            if rng.chance(0.5) {
                // A header with a huge or overflowing count, then anything.
                let type = Self.typeBytes[rng.int(0...(Self.typeBytes.count - 1))]
                input = [type] + Array(wire: String(rng.next()) + (rng.chance(0.5) ? "9" : "") + "\r\n") + input
            }
            _ = run(input, pieces: randomPieces(input.count, &rng), limits: unbounded, calls: &calls)
            inputs += 1
        }
        #expect(inputs == 20_000)
    }

    private func run(_ input: [UInt8], pieces: [Int], limits: RESPLimits = limits, calls: inout Int) -> DecodeOutcome {
        var decoder = RESPDecoder(limits: limits)
        var outcome = DecodeOutcome()
        var offset = 0
        var cuts = pieces
        cuts.append(input.count)
        for length in cuts where offset < input.count {
            let end = min(input.count, offset + length)
            decoder.feed(input[offset..<end])
            offset = end
            do {
                // Every value consumes at least three bytes, so more calls than bytes means a loop.
                for _ in 0...input.count {
                    calls += 1
                    guard let value = try decoder.next() else { break }
                    outcome.values.append(value)
                }
            } catch {
                outcome.error = error
                #expect(error.offset >= 0 && error.offset <= input.count)
                return outcome
            }
        }
        outcome.midValue = decoder.isMidValue
        return outcome
    }

    private func randomPieces(_ count: Int, _ rng: inout SplitMix64) -> [Int] {
        var pieces: [Int] = []
        var total = 0
        while total < count {
            let piece = rng.int(1...max(1, count / 3))
            pieces.append(piece)
            total += piece
        }
        return pieces
    }

    /// Uniform bytes rarely get past the type byte, so most draw from bytes RESP gives meaning to.
    private func randomBytes(_ rng: inout SplitMix64) -> [UInt8] {
        let count = rng.int(0...48)
        let uniform = rng.chance(0.3)
        return (0..<count).map { _ in
            uniform ? UInt8(truncatingIfNeeded: rng.next()) : Self.interesting[rng.int(0...(Self.interesting.count - 1))]
        }
    }

    private func mutate(_ valid: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = valid
        for _ in 0..<rng.int(1...3) {
            let position = bytes.isEmpty ? 0 : rng.int(0...(bytes.count - 1))
            switch rng.int(0...5) {
            case 0 where !bytes.isEmpty:
                bytes[position] ^= UInt8(1) << UInt8(rng.int(0...7))
            case 1:
                bytes.insert(Self.interesting[rng.int(0...(Self.interesting.count - 1))], at: min(position, bytes.count))
            case 2 where !bytes.isEmpty:
                bytes.remove(at: position)
            case 3:
                bytes = Array(bytes.prefix(position))
            case 4 where !bytes.isEmpty:
                bytes[position] = Self.interesting[rng.int(0...(Self.interesting.count - 1))]
            default:
                bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: min(position, bytes.count))
            }
        }
        return bytes
    }
}
