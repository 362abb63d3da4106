import Dispatch
import Foundation
import HiredisClient
import NativeClient
import RESP
import RedisConnection
import RedisFleet
import Synchronization
import TestSupport

extension RESPValue {
    static func bulk(_ s: String) -> RESPValue { .bulkString(Array(s.utf8)) }
}

extension Result where Failure == RedisError {
    var errorCode: RedisError.Code? {
        if case .failure(let e) = self { return e.code }
        return nil
    }
}
