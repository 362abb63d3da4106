/// Writes one command's RESP bytes through a pointer: the measured path's way to build a command.
///
/// `RESPWriter.withCommand` runs its body into a stack buffer and hands the caller the finished
/// command. Each piece costs a bounds check and a few stores, where appending it to an `Array` cost
/// a uniqueness and capacity check per header, digit run and CRLF.
public struct RESPWriter {
    /// Where the next byte goes; nil while only counting (after an overflow, or when sizing).
    @usableFromInline var cursor: UnsafeMutablePointer<UInt8>?
    /// Bytes the buffer holds.
    @usableFromInline let capacity: Int
    @usableFromInline var written = 0

    /// Bytes written (or counted) so far.
    public var count: Int { written }

    @usableFromInline init(cursor: UnsafeMutablePointer<UInt8>?, capacity: Int) {
        self.cursor = cursor
        self.capacity = capacity
    }

    /// Runs `build` into temporary storage and passes the bytes to `use`; they are valid only inside
    /// `use`. A command longer than the stack buffer runs `build` again into storage of its size.
    ///
    /// `build` must write the same pieces every time it runs: a run that differs traps rather than
    /// sends a torn command.
    @inlinable
    public static func withCommand<R>(
        _ build: (inout RESPWriter) -> Void, _ use: (UnsafeRawBufferPointer) -> R
    ) -> R {
        var fitted = false
        // A literal capacity, so the buffer is on the stack: lock commands (a key, a token, a few
        // numbers) fit; an `EVAL` carrying a script's source does not, and is counted first.
        let result: R? = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 512) { buffer in
            var writer = RESPWriter(cursor: buffer.baseAddress, capacity: buffer.count)
            build(&writer)
            guard writer.cursor != nil else { return nil }
            fitted = true
            return use(UnsafeRawBufferPointer(start: buffer.baseAddress, count: writer.count))
        }
        // `fitted`, not `result != nil`: `use` may itself return nil.
        if fitted, let result { return result }
        var counter = RESPWriter(cursor: nil, capacity: 0)
        build(&counter)
        let length = counter.count
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { buffer in
            var writer = RESPWriter(cursor: buffer.baseAddress, capacity: length)
            build(&writer)
            precondition(writer.cursor != nil && writer.count == length, "a command wrote \(writer.count) bytes after counting \(length)")
            return use(UnsafeRawBufferPointer(buffer))
        }
    }

    /// `*count\r\n`: the header of a command of `count` arguments.
    @inlinable
    public mutating func arrayHeader(_ count: Int) {
        header(UInt8(ascii: "*"), count)
    }

    /// One argument as a bulk string: `$len\r\n<utf8>\r\n`.
    @inlinable
    public mutating func argument(_ text: String) {
        let length = text.utf8.count
        header(UInt8(ascii: "$"), length)
        if let target = reserve(length + 2) {
            let copied = text.utf8.withContiguousStorageIfAvailable { source -> Bool in
                if let base = source.baseAddress { target.update(from: base, count: source.count) }
                return true
            }
            if copied == nil {
                for (offset, byte) in text.utf8.enumerated() { target[offset] = byte }
            }
            target[length] = UInt8(ascii: "\r")
            target[length + 1] = UInt8(ascii: "\n")
        }
    }

    /// One argument as the decimal text of `value`.
    @inlinable
    public mutating func argument(_ value: Int64) {
        let width = Self.decimalWidth(value)
        header(UInt8(ascii: "$"), width)
        if let target = reserve(width + 2) {
            Self.writeDecimal(value, width: width, at: target)
            target[width] = UInt8(ascii: "\r")
            target[width + 1] = UInt8(ascii: "\n")
        }
    }

    /// Bytes that are already RESP (a command name or options encoded once and kept).
    @inlinable
    public mutating func raw(_ bytes: [UInt8]) {
        if let target = reserve(bytes.count) {
            bytes.withUnsafeBufferPointer { source in
                if let base = source.baseAddress { target.update(from: base, count: source.count) }
            }
        }
    }

    /// Counts `length` more bytes; while writing, returns where they go (and moves past them). Past
    /// the buffer's end it stops writing and only counts.
    @inlinable
    mutating func reserve(_ length: Int) -> UnsafeMutablePointer<UInt8>? {
        written += length
        guard let start = cursor else { return nil }
        guard written <= capacity else {
            cursor = nil
            return nil
        }
        cursor = start + length
        return start
    }

    @inlinable
    mutating func header(_ type: UInt8, _ value: Int) {
        let width = Self.decimalWidth(Int64(value))
        if let target = reserve(width + 3) {
            target[0] = type
            Self.writeDecimal(Int64(value), width: width, at: target + 1)
            target[width + 1] = UInt8(ascii: "\r")
            target[width + 2] = UInt8(ascii: "\n")
        }
    }

    /// Bytes of `value` in decimal, sign included.
    @inlinable
    static func decimalWidth(_ value: Int64) -> Int {
        var magnitude = value.magnitude
        var width = value < 0 ? 2 : 1
        while magnitude >= 10 {
            magnitude /= 10
            width += 1
        }
        return width
    }

    /// Writes `value` into exactly `width` bytes (its `decimalWidth`), last digit first.
    @inlinable
    static func writeDecimal(_ value: Int64, width: Int, at target: UnsafeMutablePointer<UInt8>) {
        var magnitude = value.magnitude
        var index = width
        repeat {
            index -= 1
            target[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
        } while magnitude != 0
        if value < 0 { target[0] = UInt8(ascii: "-") }
    }
}
