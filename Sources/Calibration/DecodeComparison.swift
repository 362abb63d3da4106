import Dispatch
import POSIX
import Harness
import HiredisClient
import RESP

/// Native `RESPDecoder` against hiredis's `redisReader` on identical byte streams.
public enum DecodeComparison {
    /// A named byte stream and how many replies it holds.
    public struct Workload: Sendable {
        /// Short name for the report.
        public var name: String
        public var bytes: [UInt8]
        /// Replies in it.
        public var replies: Int
    }

    /// Replies a lock workload receives: `+OK`, `:1`, `:0`, `$-1` and 32-byte tokens, in a fixed mix.
    public static func lockReplies(count: Int) -> Workload {
        var encoder = RESPEncoder(capacity: count * 12)
        let token = RESPValue.bulkString(Array("0123456789abcdef0123456789abcdef".utf8))
        let mix: [RESPValue] = [.simpleString("OK"), .integer(1), .bulkString(nil), .integer(0), token]
        for i in 0..<count { encoder.appendValue(mix[i % mix.count]) }
        return Workload(name: "lock replies (+OK, :1, $-1, :0, $32)", bytes: encoder.bytes, replies: count)
    }

    /// Large bulk strings, as a GET of a big value returns.
    public static func largeBulks(count: Int, size: Int) -> Workload {
        var encoder = RESPEncoder(capacity: count * (size + 16))
        let payload = [UInt8](repeating: 0x61, count: size)
        for _ in 0..<count { encoder.appendValue(.bulkString(payload)) }
        return Workload(name: "\(count) × \(size / 1024) KiB bulks", bytes: encoder.bytes, replies: count)
    }

    /// Feeds `workload` in socket-sized chunks and returns the nanoseconds the native decoder took.
    public static func timeNative(_ workload: Workload, chunk: Int = 16 * 1024) -> UInt64 {
        var decoder = RESPDecoder()
        return timed(workload, chunk: chunk, decoder: "native") { piece in
            decoder.feed(piece)
            var decoded = 0
            while let _ = try? decoder.next() { decoded += 1 }
            return decoded
        }
    }

    /// The same for hiredis's reader.
    public static func timeHiredis(_ workload: Workload, chunk: Int = 16 * 1024) -> UInt64 {
        let reader = HiredisReplyReader()
        return timed(workload, chunk: chunk, decoder: "hiredis") { piece in
            reader.feed(piece)
            var decoded = 0
            while reader.nextReply() { decoded += 1 }
            return decoded
        }
    }

    /// Times `feed` over `workload`'s chunks (`feed` returns the replies a piece completed). A short
    /// count traps: the time of a decode that stopped early would compare nothing.
    private static func timed(
        _ workload: Workload, chunk: Int, decoder name: String, _ feed: (UnsafeRawBufferPointer) -> Int
    ) -> UInt64 {
        var decoded = 0
        let start = MonotonicClock.nanos()
        inChunks(workload.bytes, of: chunk) { piece in decoded += feed(piece) }
        let elapsed = MonotonicClock.nanos() - start
        precondition(decoded == workload.replies, "\(name) decoded \(decoded) of \(workload.replies)")
        return elapsed
    }

    /// Hands `bytes` to `body` in pieces of `size`, as successive socket reads would.
    static func inChunks(_ bytes: [UInt8], of size: Int, _ body: (UnsafeRawBufferPointer) -> Void) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let end = min(offset + size, raw.count)
                body(UnsafeRawBufferPointer(rebasing: raw[offset..<end]))
                offset = end
            }
        }
    }

    /// Interleaved rounds (native, hiredis, hiredis, native, …) so drift hits both alike; returns the
    /// paired ratios hiredis time / native time (above 1: native is faster).
    public static func pairedRatios(_ workload: Workload, rounds: Int) -> [Double] {
        _ = timeNative(workload)
        _ = timeHiredis(workload)
        var ratios: [Double] = []
        for round in 0..<rounds {
            var native: UInt64 = 0
            var hiredis: UInt64 = 0
            for which in ClientOrder.rotation(round: round, count: 2) {
                if which == 0 { native = timeNative(workload) } else { hiredis = timeHiredis(workload) }
            }
            ratios.append(Double(hiredis) / Double(max(native, 1)))
        }
        return ratios
    }
}
