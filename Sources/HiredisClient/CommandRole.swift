import RESP

/// What a command means to hiredis 0.14's reply routing, decided from its name without allocating.
///
/// hiredis 0.14 matches replies to callbacks in three places: a FIFO for ordinary replies, a
/// second FIFO for commands sent while subscribed (dead in practice: see `submit`), and
/// per-channel dictionaries for pub/sub arrays. It picks the place from the command name at send time, the way `__redisAsyncCommand`
/// does (a leading `p` is stripped, so `PSUBSCRIBE` is a subscribe). Commands whose replies it
/// would misroute are refused here, because a misrouted reply in 0.14 either fires the wrong
/// callback or hits an `assert` that aborts the process.
enum CommandRole: Equatable {
    /// Routed through hiredis's reply FIFO (refused while subscribed).
    case regular
    /// `SUBSCRIBE`/`PSUBSCRIBE` with at least one name.
    case subscribe(pattern: Bool)
    /// `UNSUBSCRIBE`/`PUNSUBSCRIBE`, with or without names.
    case unsubscribe(pattern: Bool)
    /// Never sent; the string says why.
    case refused(String)

    init(_ command: [RedisArgument]) {
        guard let first = command.first else {
            // hiredis asserts on a command without a name.
            self = .refused("an empty command has no name to send")
            return
        }
        switch first {
        case .integer: self = .regular
        case .string(let text): self = CommandRole(name: text.utf8, command)
        case .bytes(let raw): self = CommandRole(name: raw, command)
        }
    }

    private init<Name: Collection<UInt8>>(name: Name, _ command: [RedisArgument]) {
        // Every name that matters is 4...12 bytes long; SET, GET, DEL, EVAL... leave here.
        let length = name.count
        guard length >= 4 && length <= 12 else { self = .regular; return }
        let pattern = Self.equal(name.prefix(1), "p")
        let base = pattern ? name.dropFirst() : name[...]
        if Self.equal(base, "subscribe") {
            // hiredis treats a SUBSCRIBE without a channel as an ordinary command (the server
            // answers it with an error), exactly like this.
            self = command.count > 1 ? .subscribe(pattern: pattern) : .regular
        } else if Self.equal(base, "unsubscribe") {
            self = .unsubscribe(pattern: pattern)
        } else if Self.equal(base, "monitor") {
            // hiredis 0.14 re-arms the same callback for every MONITOR line: a completion that
            // fires once cannot represent it.
            self = .refused("MONITOR streams replies forever; hiredis 0.14 cannot complete it once")
        } else if Self.equal(name, "ssubscribe") || Self.equal(name, "sunsubscribe") {
            // 0.14 predates sharded pub/sub: an `smessage` on a connection it does not think is
            // subscribed trips its `assert` and aborts the process.
            self = .refused("hiredis 0.14 has no sharded pub/sub (SSUBSCRIBE/SUNSUBSCRIBE)")
        } else if Self.equal(name, "hello") {
            // The 0.14 reader parses RESP2 only; RESP3 replies would be protocol errors.
            self = command.count > 1 && Self.argumentEquals(command[1], "3")
                ? .refused("hiredis 0.14 speaks RESP2 only; HELLO 3 would switch to RESP3")
                : .regular
        } else if Self.equal(name, "client") {
            // With replies switched off, hiredis would pair later replies with the wrong callbacks.
            let off = command.count > 2 && Self.argumentEquals(command[1], "reply")
                && (Self.argumentEquals(command[2], "off") || Self.argumentEquals(command[2], "skip"))
            self = off ? .refused("CLIENT REPLY OFF/SKIP would desynchronise hiredis's reply callbacks") : .regular
        } else {
            self = .regular
        }
    }

    /// ASCII case-insensitive comparison against a lowercase literal.
    private static func equal<Bytes: Collection<UInt8>>(_ bytes: Bytes, _ literal: StaticString) -> Bool {
        guard bytes.count == literal.utf8CodeUnitCount else { return false }
        let expected = literal.utf8Start
        var index = 0
        for byte in bytes {
            if byte | 0x20 != expected[index] { return false }
            index += 1
        }
        return true
    }

    private static func argumentEquals(_ argument: RedisArgument, _ literal: StaticString) -> Bool {
        switch argument {
        case .string(let text): return equal(text.utf8, literal)
        case .bytes(let raw): return equal(raw, literal)
        case .integer(let value): return equal(String(value).utf8, literal)
        }
    }
}

extension RedisArgument {
    /// The bytes hiredis sends for this argument (channel names are compared as bytes).
    var wireBytes: [UInt8] {
        switch self {
        case .string(let text): return Array(text.utf8)
        case .bytes(let raw): return raw
        case .integer(let value): return Array(String(value).utf8)
        }
    }
}
