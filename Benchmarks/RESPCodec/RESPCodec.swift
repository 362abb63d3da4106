import Benchmark
import HiredisClient
import RESP

/// The replies one lock workload reads, in a fixed mix: `+OK` (SET), `:1`/`:0` (release script),
/// `$-1` (SET NX lost) and a 32-byte token (GET). Built once; every benchmark decodes the same bytes.
let lockReplies: [UInt8] = {
    var encoder = RESPEncoder(capacity: 16 * 1_000)
    let token = RESPValue.bulkString(Array("0123456789abcdef0123456789abcdef".utf8))
    let mix: [RESPValue] = [.simpleString("OK"), .integer(1), .bulkString(nil), .integer(0), token]
    for i in 0..<replyCount { encoder.appendValue(mix[i % mix.count]) }
    return encoder.bytes
}()
let replyCount = 1_000

let benchmarks: @Sendable () -> Void = {
    // Instruction and malloc counts do not depend on what else the machine is doing, so only they carry
    // thresholds; wall clock is printed for reading, never gated (it flaps by ±25% here).
    Benchmark.defaultConfiguration = .init(
        metrics: [.instructions, .mallocCountTotal, .wallClock, .throughput],
        warmupIterations: 3, scalingFactor: .one, maxDuration: .seconds(2), maxIterations: 2_000,
        thresholds: [
            .instructions: .init(relative: [.p50: 3.0, .p90: 5.0]),
            .mallocCountTotal: .init(relative: [.p50: 1.0, .p90: 2.0], absolute: [.p50: 2, .p90: 4]),
        ])

    Benchmark("decode 1000 lock replies, native RESPDecoder") { benchmark in
        for _ in benchmark.scaledIterations {
            var decoder = RESPDecoder()
            lockReplies.withUnsafeBytes { decoder.feed($0) }
            var decoded = 0
            while let value = try? decoder.next() {
                blackHole(value)
                decoded += 1
            }
            precondition(decoded == replyCount, "decoded \(decoded) of \(replyCount)")
        }
    }

    Benchmark("decode 1000 lock replies, hiredis redisReader") { benchmark in
        for _ in benchmark.scaledIterations {
            let reader = HiredisReplyReader()
            lockReplies.withUnsafeBytes { reader.feed($0) }
            var decoded = 0
            while reader.nextReply() { decoded += 1 }
            precondition(decoded == replyCount, "decoded \(decoded) of \(replyCount)")
        }
    }

    Benchmark("encode SET key token NX PX 10000 x1000, native RESPEncoder") { benchmark in
        // The encoder's buffer is reused across commands, as a connection reuses its write buffer.
        var encoder = RESPEncoder(capacity: 64 * 1_000)
        let command: [RedisArgument] = ["SET", "lockbench:bench:key:17", "0123456789abcdef0123456789abcdef", "NX", "PX", 10_000]
        for _ in benchmark.scaledIterations {
            encoder.reset()
            for _ in 0..<1_000 { encoder.appendCommand(command) }
            blackHole(encoder.bytes.count)
        }
    }
}
