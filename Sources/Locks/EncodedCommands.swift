import RESP
import RedisConnection

/// The measured path's commands: written in place by a `RESPWriter` and sent with the operation
/// itself as the reply receiver, so a lock cycle allocates no argument arrays, strings or closures
/// for its commands.
extension LockContext {
    /// Sends the command `build` writes; the reply goes to `operation.receive(_:tag:)` on `queue`.
    /// `build` runs twice (to count, then to write), so it computes no strings itself.
    func send(
        _ connection: any RedisConnection, _ purpose: Purpose, _ operation: LockOperation, tag: Int,
        _ build: (inout RESPWriter) -> Void
    ) {
        count(purpose, operation)
        RESPWriter.withCommand(build) { connection.send(encoded: $0, to: operation, tag: tag) }
    }

    /// Whether the reply to a script call sent with `tag` is a `NOSCRIPT` that the caller must answer
    /// by re-sending the call as `EVAL` (once: a call already re-sent carries `LockTag.asSource`).
    /// Counts the fallback.
    func needsEvalFallback(_ reply: RedisReply, tag: Int) -> Bool {
        guard tag & LockTag.asSource == 0, LockScripts.isNoScript(reply) else { return false }
        counters.scriptFallbacks += 1
        return true
    }
}

/// Tags of the commands lock operations send with `LockContext.send(_:_:_:tag:_:)`.
enum LockTag {
    static let setNX = 1
    static let fencedAcquire = 2
    static let release = 3
    /// Set on a script call re-sent as `EVAL` after `NOSCRIPT`, so it is never re-sent again.
    static let asSource = 0x100
    static let kindMask = 0xFF
}

/// A script call site of the measured path: the script, how many keys and arguments it passes, and
/// the call's fixed head (`*n EVALSHA sha numkeys`) encoded once per context, so a command writes
/// only its keys and arguments. A class: reading a struct of strings off the context would retain
/// each of them per command.
final class ScriptCall: Sendable {
    let script: LockScript
    let keys: Int
    let args: Int
    let evalshaHead: [UInt8]

    init(_ script: LockScript, keys: Int, args: Int) {
        self.script = script
        self.keys = keys
        self.args = args
        var encoder = RESPEncoder(capacity: 64)
        encoder.appendArrayHeader(3 + keys + args)
        encoder.appendArgument("EVALSHA")
        encoder.appendArgument(script.sha1)
        encoder.appendArgument(Int64(keys))
        evalshaHead = encoder.bytes
    }
}

extension RESPWriter {
    /// `*n`, then `EVALSHA sha numkeys` (or `EVAL source numkeys` when `asSource`); the caller writes
    /// the call's keys and arguments.
    mutating func scriptCall(_ call: ScriptCall, asSource: Bool) {
        guard asSource else { return raw(call.evalshaHead) }
        arrayHeader(3 + call.keys + call.args)
        argument("EVAL")
        argument(call.script.source)
        argument(Int64(call.keys))
    }

    /// `SET key token NX PX ttl`, with `*6 SET` and `NX PX ttl` pre-encoded by `SetCommand`.
    mutating func setNX(key: String, token: String, encoded: SetCommand.Encoded) {
        raw(encoded.head)
        argument(key)
        argument(token)
        raw(encoded.options)
    }
}

/// `SET`'s condition: only if the key does not (`NX`) or does (`XX`) exist.
enum SetCondition {
    case nx, xx

    var token: String {
        switch self {
        case .nx: return "NX"
        case .xx: return "XX"
        }
    }
}

/// `SET`'s expiry: `PX` milliseconds or `EX` seconds.
enum SetExpiration {
    case px(Int)
    case ex(Int)

    var token: String {
        switch self {
        case .px: return "PX"
        case .ex: return "EX"
        }
    }

    var amount: Int64 {
        switch self {
        case .px(let n), .ex(let n): return Int64(n)
        }
    }
}

/// `SET key value <condition> <expiration>`, built from typed options (valkey-swift's SET pattern), never
/// from option strings.
enum SetCommand {
    /// The command as arguments, for the paths off the measured one (Redlock's fan-out).
    static func arguments(key: String, value: String, _ condition: SetCondition, _ expiration: SetExpiration) -> [RedisArgument] {
        ["SET", .string(key), .string(value), .string(condition.token), .string(expiration.token), .integer(expiration.amount)]
    }

    /// `SET key value NX PX ttl`'s fixed parts, encoded once per context.
    struct Encoded {
        /// `*6 SET`.
        let head: [UInt8]
        /// The condition and expiry.
        let options: [UInt8]
    }

    /// The fixed parts' bytes, encoded once per context so each measured `SET` only appends them.
    static func encoded(_ condition: SetCondition, _ expiration: SetExpiration) -> Encoded {
        var head = RESPEncoder(capacity: 16)
        head.appendArrayHeader(6)
        head.appendArgument("SET")
        var options = RESPEncoder(capacity: 32)
        options.appendArgument(condition.token)
        options.appendArgument(expiration.token)
        options.appendArgument(expiration.amount)
        return Encoded(head: head.bytes, options: options.bytes)
    }
}
