import RESP
import Testing

@Suite("RESPWriter commands")
struct WriterCommandTests {
    private func written(_ args: [RedisArgument], raw prefix: [UInt8] = []) -> [UInt8] {
        RESPWriter.withCommand({ writer in
            writer.raw(prefix)
            writer.arrayHeader(args.count)
            for arg in args {
                switch arg {
                case .string(let s): writer.argument(s)
                case .integer(let i): writer.argument(i)
                case .bytes: Issue.record("RESPWriter writes strings and integers only")
                }
            }
        }, { Array($0) })
    }

    /// The measured path writes commands through a RESPWriter; the bytes must be exactly `appendCommand`'s,
    /// both for commands that fit its stack buffer and for longer ones (an EVAL with a script's source).
    @Test(arguments: [
        [RedisArgument]([]), ["PING"], ["SET", "lock:a", "0123456789abcdef0123456789abcdef", "NX", "PX", .integer(30000)],
        ["EVALSHA", "e9f69f2beb755be68b5e456ee2ce9aadfbc4ebf4", .integer(1), "k", ""], [.string("é🔒"), .integer(-42), .integer(Int64.min)],
        ["EVAL", .string(String(repeating: "redis.call('GET', KEYS[1]) ", count: 40)), .integer(1), "k"],
        [.string(String(repeating: "x", count: 505))], [.string(String(repeating: "x", count: 506))],
    ])
    func sameBytesAsWholeCommand(args: [RedisArgument]) {
        #expect(written(args) == RESPEncoder.encodeCommand(args))
    }

    @Test func rawBytesComeFirstAndCount() {
        let head = RESPEncoder.encodeCommand(["PING"])
        #expect(written(["GET", "k"], raw: head) == head + RESPEncoder.encodeCommand(["GET", "k"]))
    }

    @Test func countIsTheBytesWritten() {
        var count = 0
        RESPWriter.withCommand({ writer in
            writer.argument("abc")
            count = writer.count
        }, { _ in })
        #expect(count == 9)
    }
}
