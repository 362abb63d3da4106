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

extension RESPWriter {
    /// `*n`, then `EVALSHA sha numkeys` (or `EVAL source numkeys` when `asSource`); the caller writes
    /// `keys` keys and `args` arguments.
    mutating func scriptCall(_ script: LockScript, asSource: Bool, keys: Int, args: Int) {
        arrayHeader(3 + keys + args)
        if asSource {
            argument("EVAL")
            argument(script.source)
        } else {
            argument("EVALSHA")
            argument(script.sha1)
        }
        argument(Int64(keys))
    }

    /// `SET key token NX PX ttl`, with `NX PX ttl` pre-encoded by `SetCommand.encodedOptions`.
    mutating func setNX(key: String, token: String, options: [UInt8]) {
        arrayHeader(6)
        argument("SET")
        argument(key)
        argument(token)
        raw(options)
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

    /// The options' bytes, encoded once per context so each measured `SET` only appends them.
    static func encodedOptions(_ condition: SetCondition, _ expiration: SetExpiration) -> [UInt8] {
        var encoder = RESPEncoder(capacity: 32)
        encoder.appendArgument(condition.token)
        encoder.appendArgument(expiration.token)
        encoder.appendArgument(expiration.amount)
        return encoder.bytes
    }
}
