#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How driver lock keys map onto etcd keys, once for every recipe and the cleanup.
enum EtcdKeys {
    /// The etcd prefix under which `key`'s contenders queue: `<key>/`. The slash keeps lock `a`'s
    /// contenders out of lock `ab`'s range.
    static func prefix(of key: String) -> Data { Data((key + "/").utf8) }

    /// The end of the range holding every key that starts with `prefix`: the prefix with its last byte
    /// that is not 0xff incremented (etcd's own rule), or `\0` (everything from the prefix on) if none.
    static func rangeEnd(of prefix: Data) -> Data {
        var end = prefix
        while let last = end.last {
            if last < 0xff {
                end[end.index(before: end.endIndex)] = last + 1
                return end
            }
            end.removeLast()
        }
        return Data([0])
    }

    /// A lease id as clientv3 prints it into keys (`%x`).
    static func hex(_ lease: Int64) -> String { String(UInt64(bitPattern: lease), radix: 16) }
}
