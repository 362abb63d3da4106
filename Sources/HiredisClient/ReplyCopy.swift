import CHiredis
import RESP

extension RESPValue {
    /// Copies a hiredis reply tree into a value.
    ///
    /// hiredis frees the reply as soon as the callback returns, so nothing may point into it
    /// afterwards. The 0.14 reader is RESP2-only and folds the null array (`*-1`) into
    /// `REDIS_REPLY_NIL`, so both nulls come out as `.bulkString(nil)`.
    init(copying reply: UnsafePointer<redisReply>) {
        let node = reply.pointee
        switch node.type {
        case REDIS_REPLY_STRING:
            self = .bulkString(Self.bytes(node.str, node.len))
        case REDIS_REPLY_STATUS:
            self = .simpleString(String(decoding: Self.bytes(node.str, node.len), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            self = .simpleError(String(decoding: Self.bytes(node.str, node.len), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            self = .integer(Int64(node.integer))
        case REDIS_REPLY_NIL:
            self = .bulkString(nil)
        case REDIS_REPLY_ARRAY:
            var items: [RESPValue] = []
            items.reserveCapacity(node.elements)
            for index in 0..<node.elements {
                guard let element = node.element[index] else {
                    preconditionFailure("hiredis reply array has a NULL element \(index) of \(node.elements)")
                }
                items.append(RESPValue(copying: element))
            }
            self = .array(items)
        default:
            // The 0.14 reader creates only the six types above; anything else is memory corruption.
            preconditionFailure("hiredis reply of unknown type \(node.type)")
        }
    }

    private static func bytes(_ start: UnsafeMutablePointer<CChar>?, _ count: Int) -> [UInt8] {
        guard let start, count > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: start, count: count))
    }
}
