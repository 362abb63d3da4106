import CHiredis
import RESP

/// Lays one command's arguments out for `redisAsyncCommandArgv` (Swift cannot call the variadic
/// `redisAsyncCommand`).
///
/// All arguments go into one reused byte buffer, so building `SET key token NX PX 30000`
/// allocates nothing once the buffer has grown; integers are formatted in place.
struct ArgvBuffer {
    private var bytes: [UInt8] = []
    private var ends: [Int] = []

    /// Replaces the contents with `command`'s arguments.
    mutating func load(_ command: [RedisArgument]) {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        for argument in command {
            switch argument {
            case .string(let text): bytes.append(contentsOf: text.utf8)
            case .bytes(let raw): bytes.append(contentsOf: raw)
            case .integer(let value): appendDecimal(value)
            }
            ends.append(bytes.count)
        }
        // A trailing byte outside every argument keeps `baseAddress` non-nil even when all
        // arguments are empty; hiredis copies `argvlen[i]` bytes and never reads it.
        bytes.append(0)
    }

    private mutating func appendDecimal(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes[start...].reverse()
    }

    /// Calls `body` with `argc`, `argv` and `argvlen` pointing into the buffer (valid only inside).
    func withArgv<R>(
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R
    ) -> R {
        let count = ends.count
        return bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!)
            return withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: count) { argv in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: count) { lengths in
                    var start = 0
                    for index in 0..<count {
                        argv[index] = (base + start).assumingMemoryBound(to: CChar.self)
                        lengths[index] = ends[index] - start
                        start = ends[index]
                    }
                    return body(Int32(count), argv.baseAddress!, UnsafePointer(lengths.baseAddress!))
                }
            }
        }
    }
}
