/// Redis Cluster's key → slot rule: CRC16 (XMODEM: polynomial 0x1021, initial value 0, no reflection)
/// of the key's hash tag, or of the whole key when it has none, modulo 16384.
public enum HashSlot {
    /// Slots in every cluster.
    public static let count = 16384

    private static let table: [UInt16] = (0..<256).map { byte in
        var crc = UInt16(byte) << 8
        for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        return crc
    }

    /// CRC16-XMODEM, as the cluster specification's reference code computes it.
    public static func crc16(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        var crc: UInt16 = 0
        table.withUnsafeBufferPointer { t in
            for byte in bytes { crc = (crc << 8) ^ t[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ byte)] }
        }
        return crc
    }

    /// The bytes that decide the slot: what lies between the first `{` and the first `}` after it, when
    /// that is not empty; otherwise the whole key (so `{}x` and `x{` hash whole, and `{a}{b}` hashes `a`).
    public static func hashedPart(of key: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        guard let open = key.firstIndex(of: UInt8(ascii: "{")) else { return key }
        var close = open + 1
        while close < key.count, key[close] != UInt8(ascii: "}") { close += 1 }
        guard close < key.count, close > open + 1 else { return key }
        return UnsafeRawBufferPointer(rebasing: key[(open + 1)..<close])
    }

    /// The slot of a key given as raw bytes (the measured path reads it out of encoded commands).
    public static func slot(ofKey key: UnsafeRawBufferPointer) -> Int {
        Int(crc16(hashedPart(of: key)) & 0x3FFF)
    }

    /// The slot of `key`'s UTF-8 bytes.
    public static func slot(of key: String) -> Int {
        var key = key
        return key.withUTF8 { slot(ofKey: UnsafeRawBufferPointer($0)) }
    }

    /// `key` with its hash tag: `prefix{tag}`. Every name that starts with the result (`:fence`, `:fifo`
    /// appended) shares its slot, because only the first `{...}` is hashed.
    public static func tagged(prefix: String, tag: String) -> String { prefix + "{" + tag + "}" }
}
