import CZlib

/// zlib streams (RFC 1950: header, DEFLATE, Adler-32), the form Java's `Deflater` and Python's
/// `zlib.compress` write inside a compressed histogram.
enum Zlib {
    static func deflate(_ input: [UInt8]) -> [UInt8] {
        var length = compressBound(uLong(input.count))
        var output = [UInt8](repeating: 0, count: Int(length))
        let status = output.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { inp in
                compress2(out.baseAddress, &length, inp.baseAddress, uLong(inp.count), Z_DEFAULT_COMPRESSION)
            }
        }
        // compressBound guarantees room, and the buffers are ours: any failure is our bug.
        precondition(status == Z_OK, "zlib compress2 failed with \(status)")
        return Array(output.prefix(Int(length)))
    }

    /// Inflates a whole zlib stream; the inflated size is unknown up front, so the buffer doubles up to 256 MB.
    static func inflate(_ input: [UInt8]) throws -> [UInt8] {
        var capacity = Swift.max(1024, input.count * 8)
        while capacity <= 256 << 20 {
            var length = uLong(capacity)
            var output = [UInt8](repeating: 0, count: capacity)
            let status = output.withUnsafeMutableBufferPointer { out in
                input.withUnsafeBufferPointer { inp in
                    uncompress(out.baseAddress, &length, inp.baseAddress, uLong(inp.count))
                }
            }
            switch status {
            case Z_OK: return Array(output.prefix(Int(length)))
            case Z_BUF_ERROR where length == uLong(capacity): capacity *= 2
            default: throw HdrLogError("compressed histogram is not a valid zlib stream (zlib status \(status))")
            }
        }
        throw HdrLogError("compressed histogram inflates beyond 256 MB")
    }
}
