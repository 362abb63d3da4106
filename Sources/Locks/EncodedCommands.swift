import RESP
import RedisConnection

/// The measured path's commands: built into the context's one scratch encoder and sent with the
/// operation itself as the reply receiver, so a lock cycle allocates no argument arrays, strings or
/// closures for its commands.
extension LockContext {
    /// Sends the command `build` writes; the reply goes to `operation.receive(_:tag:)` on `queue`.
    func send(
        _ connection: any RedisConnection, _ purpose: Purpose, _ operation: LockOperation, tag: Int,
        _ build: (inout RESPEncoder) -> Void
    ) {
        count(purpose, operation)
        scratch.reset()
        build(&scratch)
        scratch.bytes.withUnsafeBytes { connection.send(encoded: $0, to: operation, tag: tag) }
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

extension RESPEncoder {
    static let setName = RESPEncoder.encoded("SET")
    static let evalshaName = RESPEncoder.encoded("EVALSHA")
    static let evalName = RESPEncoder.encoded("EVAL")

    /// One argument's bulk-string bytes, encoded once.
    static func encoded(_ argument: String) -> [UInt8] {
        var encoder = RESPEncoder(capacity: argument.utf8.count + 16)
        encoder.appendArgument(argument)
        return encoder.bytes
    }

    /// `*n`, then `EVALSHA sha numkeys` (or `EVAL source numkeys` when `asSource`); the caller appends
    /// `keys` keys and `args` arguments.
    mutating func appendScriptCall(_ script: LockScript, asSource: Bool, keys: Int, args: Int) {
        appendArrayHeader(3 + keys + args)
        if asSource {
            appendRaw(Self.evalName)
            appendArgument(script.source)
        } else {
            appendRaw(Self.evalshaName)
            appendArgument(script.sha1)
        }
        appendArgument(Int64(keys))
    }

    /// `SET key token NX PX ttl`, with `NX PX ttl` pre-encoded.
    mutating func appendSetNX(key: String, token: String, suffix: [UInt8]) {
        appendArrayHeader(6)
        appendRaw(Self.setName)
        appendArgument(key)
        appendArgument(token)
        appendRaw(suffix)
    }
}
