extension HashSlot {
    /// The hash tag of key number `index`: `17:KDAM`, whose slot is `index × 10127 mod 16384`.
    ///
    /// The plain index as a tag clumps: `{0}`, `{1}`, `{2}` all miss the first third of the slots, so
    /// 3 keys on 3 primaries leave one idle, and 40 keys split 15/15/10. Multiplying by 10127 (odd, near
    /// 16384 × 0.618, a Fibonacci-hashing step) places any first K indices within about two keys of an
    /// even share of every contiguous slot range, the shape every cluster's slot map has. The four
    /// letters after the index steer the CRC there: CRC16 with a zero start is linear over GF(2), so
    /// their low nibbles (16 free bits) reach any 14-bit slot, solved once (`steering`) and applied
    /// with a few XORs per key. Independent of any slot map, so every deployment uses the same names.
    public static func spreadTag(_ index: Int) -> String {
        var bytes = Array("\(index):".utf8)
        let head = bytes.count
        bytes += [0x40, 0x40, 0x40, 0x40]
        let current = bytes.withUnsafeBytes { Int(crc16($0) & 0x3FFF) }
        let target = Int(UInt64(UInt(bitPattern: index) &* 10127) & 0x3FFF)
        var flip: UInt16 = 0
        for bit in 0..<14 where (current ^ target) >> bit & 1 == 1 { flip ^= steering[bit] }
        for j in 0..<4 { bytes[head + j] = 0x40 | UInt8(truncatingIfNeeded: flip >> (4 * j)) & 0x0F }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// For each slot bit, which of the 16 free nibble bits to flip to flip that slot bit alone.
    private static let steering: [UInt16] = {
        // Free bit k is bit k % 4 of free byte k / 4, which is 3 - k / 4 bytes from the end: with a zero
        // start, leading bytes add nothing, so its effect on the CRC is the CRC of that bit and the
        // zero bytes after it, the same for every key.
        var rows: [(value: UInt16, mask: UInt16)] = (0..<16).map { k in
            let message = [UInt8(1) << UInt8(k % 4)] + Array(repeating: 0, count: 3 - k / 4)
            return (message.withUnsafeBytes { crc16($0) & 0x3FFF }, UInt16(1) << UInt16(k))
        }
        var steering = Array(repeating: UInt16(0), count: 14)
        var used = Set<Int>()
        for bit in 0..<14 {
            guard let pivot = rows.indices.first(where: { !used.contains($0) && rows[$0].value >> bit & 1 == 1 }) else {
                preconditionFailure("the free nibbles do not reach slot bit \(bit)")
            }
            used.insert(pivot)
            for r in rows.indices where r != pivot && rows[r].value >> bit & 1 == 1 {
                rows[r].value ^= rows[pivot].value
                rows[r].mask ^= rows[pivot].mask
            }
        }
        for r in used { steering[rows[r].value.trailingZeroBitCount] = rows[r].mask }
        return steering
    }()
}
