/// Where the lock recipe keeps its znodes: one persistent directory per lock key under `/lockbench`,
/// holding the contenders' ephemeral sequential znodes.
public enum ZooKeeperLockPaths {
    /// The parent of every lock directory the harness makes; nothing else of the ensemble's is touched.
    public static let root = "/lockbench"

    /// The lock directory of a driver key (which is already under the run's prefix).
    public static func directory(for key: String) -> String { "\(root)/\(escape(key))" }

    /// A driver key as one znode name: `/` would make a path level, and ZooKeeper refuses control
    /// characters and the names `.` and `..`, so those, non-ASCII bytes and `%` (the escape itself) become `%XX`.
    /// Character by character, so the escape of a prefix is a prefix of the escape: cleanup matches on it.
    public static func escape(_ key: String) -> String {
        var out = ""
        out.reserveCapacity(key.utf8.count)
        for byte in key.utf8 {
            switch byte {
            case UInt8(ascii: "/"), UInt8(ascii: "%"), UInt8(ascii: "."), 0..<0x20, 0x7F...0xFF:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            default:
                out.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return out
    }

    /// The 10-digit counter the server appended to a sequential znode's name, which orders the queue.
    static func sequence(of name: String) -> Int64? {
        guard name.count >= 10 else { return nil }
        return Int64(name.suffix(10))
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
