/// HdrHistogram's count words: a signed 64-bit value ZigZag-mapped to unsigned, then LEB128 with at
/// most 9 bytes, the ninth carrying a full 8 bits (no continuation bit), so no value takes 10 bytes.
/// A positive word is one bucket's count; a negative word −n stands for n consecutive empty buckets.
enum ZigZagLEB128 {
    static func append(_ value: Int64, to bytes: inout [UInt8]) {
        var v = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        for _ in 0..<8 {
            if v < 0x80 {
                bytes.append(UInt8(v))
                return
            }
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: v))
    }

    /// The word at `offset`, advancing it; `nil` when the bytes end inside the word.
    static func read(_ bytes: ArraySlice<UInt8>, at offset: inout Int) -> Int64? {
        var v: UInt64 = 0
        for i in 0..<9 {
            guard offset < bytes.endIndex else { return nil }
            let byte = bytes[offset]
            offset += 1
            if i == 8 {
                v |= UInt64(byte) << 56
                break
            }
            v |= UInt64(byte & 0x7F) << UInt64(7 * i)
            if byte & 0x80 == 0 { break }
        }
        return Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1)
    }
}
