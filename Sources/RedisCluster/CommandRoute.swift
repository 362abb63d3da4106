/// Where a command must go in a cluster, read from its encoded bytes (`*n` then `$len` bulk strings)
/// without allocating: the measured path routes every command it sends.
public enum CommandRoute: Sendable, Hashable {
    /// Every key hashes to this slot.
    case slot(Int)
    /// No key: any node answers it (the connection's home node).
    case anyNode
    /// Every primary must run it: `SCRIPT LOAD`/`FLUSH` (an `EVALSHA` may land on any of them).
    case everyPrimary
    /// The subscribe family: kept on one node so pushes arrive on one inner connection.
    case pubsub
    /// Keys of one command hash to two slots: the server would answer `CROSSSLOT`.
    case crossSlot(Int, Int)
    /// Not a RESP array of bulk strings.
    case malformed

    /// Routes an encoded command.
    public static func of(encoded bytes: UnsafeRawBufferPointer) -> CommandRoute {
        var reader = ArgumentReader(bytes)
        guard let count = reader.arrayCount(), count >= 1, let name = reader.next() else { return .malformed }
        let keys = KeySpec.of(name: name, arguments: count)
        switch keys {
        case .none: return .anyNode
        case .everyPrimary: return .everyPrimary
        case .pubsub: return .pubsub
        case .positions(let first, let last, let step):
            var slot = -1
            var index = 1
            while index < count, let argument = reader.next() {
                defer { index += 1 }
                if index == 2 && keys.isScript {
                    // EVAL/EVALSHA: the script's `numkeys` bounds the keys after it.
                    guard let n = ArgumentReader.integer(argument) else { return .malformed }
                    if n == 0 { return .anyNode }
                    return routeKeys(&reader, from: 3, through: min(count - 1, 2 + n))
                }
                guard index >= first, index <= last, (index - first) % step == 0 else { continue }
                let s = HashSlot.slot(ofKey: argument)
                if slot < 0 { slot = s } else if s != slot { return .crossSlot(slot, s) }
            }
            return slot < 0 ? .anyNode : .slot(slot)
        }
    }

    private static func routeKeys(_ reader: inout ArgumentReader, from first: Int, through last: Int) -> CommandRoute {
        var slot = -1
        var index = first
        while index <= last, let argument = reader.next() {
            let s = HashSlot.slot(ofKey: argument)
            if slot < 0 { slot = s } else if s != slot { return .crossSlot(slot, s) }
            index += 1
        }
        return slot < 0 ? .anyNode : .slot(slot)
    }
}

/// Which arguments of a command are keys. A table of the commands lockbench and its users send, not the
/// server's `COMMAND` table: an unknown command is taken to have its key first (as most do), and a
/// wrong guess costs one `MOVED`, never a wrong result.
enum KeySpec: Equatable {
    case none
    case everyPrimary
    case pubsub
    /// Keys at `first`, `first + step`, … up to `last` (`Int.max`: to the end).
    case positions(first: Int, last: Int, step: Int)

    /// `EVAL`-like: `positions(first: 3, …)` is decided by the `numkeys` argument.
    var isScript: Bool { self == .script }
    static let script = KeySpec.positions(first: 3, last: -1, step: 1)

    static func of(name: UnsafeRawBufferPointer, arguments: Int) -> KeySpec {
        if matches(name, "EVALSHA") || matches(name, "EVAL") || matches(name, "EVALSHA_RO") || matches(name, "EVAL_RO")
            || matches(name, "FCALL") || matches(name, "FCALL_RO") {
            return .script
        }
        // The lock layer's other commands, before the longer lists: the measured path routes each one.
        if matches(name, "SET") || matches(name, "GET") || matches(name, "PUBLISH") || matches(name, "GETDEL") {
            return .positions(first: 1, last: 1, step: 1)
        }
        if matches(name, "SCRIPT") || matches(name, "FUNCTION") { return .everyPrimary }
        if matches(name, "SUBSCRIBE") || matches(name, "UNSUBSCRIBE") || matches(name, "PSUBSCRIBE")
            || matches(name, "PUNSUBSCRIBE") {
            return .pubsub
        }
        if matches(name, "DEL") || matches(name, "UNLINK") || matches(name, "EXISTS") || matches(name, "MGET")
            || matches(name, "TOUCH") || matches(name, "WATCH") {
            return .positions(first: 1, last: Int.max, step: 1)
        }
        if matches(name, "MSET") || matches(name, "MSETNX") { return .positions(first: 1, last: Int.max, step: 2) }
        for keyless in keylessNames where matches(name, keyless) { return .none }
        return arguments > 1 ? .positions(first: 1, last: 1, step: 1) : .none
    }

    static let keylessNames: [StaticString] = [
        "PING", "INFO", "CLUSTER", "CONFIG", "CLIENT", "DBSIZE", "SCAN", "TIME", "ECHO", "HELLO", "AUTH", "SELECT",
        "COMMAND", "ASKING", "READONLY", "READWRITE", "MULTI", "EXEC", "DISCARD", "WAIT", "ROLE", "MEMORY",
        "SLOWLOG", "LATENCY", "ACL", "DEBUG", "KEYS", "RANDOMKEY", "LASTSAVE", "QUIT", "RESET", "FLUSHALL", "FLUSHDB",
    ]

    /// Case-insensitive comparison of a command name with an upper-case ASCII literal.
    static func matches(_ name: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        guard name.count == literal.utf8CodeUnitCount else { return false }
        let expected = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for i in 0..<name.count {
            var byte = name[i]
            if byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") { byte -= 32 }
            if byte != expected[i] { return false }
        }
        return true
    }
}

/// Walks the bulk strings of an encoded command, returning views into the caller's bytes.
struct ArgumentReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// `*n\r\n`: the argument count.
    mutating func arrayCount() -> Int? {
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: "*") else { return nil }
        offset += 1
        return number()
    }

    /// The next `$len\r\n<bytes>\r\n`, or `nil` when the bytes end or are not a bulk string.
    mutating func next() -> UnsafeRawBufferPointer? {
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: "$") else { return nil }
        offset += 1
        guard let length = number(), length >= 0, offset + length + 2 <= bytes.count else { return nil }
        let argument = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])
        offset += length + 2
        return argument
    }

    /// Digits up to `\r\n`.
    private mutating func number() -> Int? {
        var value = 0
        var digits = 0
        while offset < bytes.count, bytes[offset] != UInt8(ascii: "\r") {
            let d = Int(bytes[offset]) - Int(UInt8(ascii: "0"))
            guard d >= 0, d <= 9, digits < 18 else { return nil }
            value = value * 10 + d
            digits += 1
            offset += 1
        }
        guard digits > 0, offset + 1 < bytes.count, bytes[offset + 1] == UInt8(ascii: "\n") else { return nil }
        offset += 2
        return value
    }

    /// A non-negative decimal argument (`numkeys`).
    static func integer(_ argument: UnsafeRawBufferPointer) -> Int? {
        guard !argument.isEmpty, argument.count < 10 else { return nil }
        var value = 0
        for byte in argument {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
