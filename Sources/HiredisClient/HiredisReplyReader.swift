import CHiredis

/// hiredis's own incremental reply parser (`redisReader`), the reference the native decoder is
/// measured against on the same bytes.
///
/// Each reply is built as hiredis builds it for its clients (a `redisReply` tree from its default
/// object functions) and freed at once, so the comparison includes allocation on both sides.
public final class HiredisReplyReader {
    private let reader: UnsafeMutablePointer<redisReader>

    /// Makes a reader with hiredis's default reply objects.
    public init() {
        reader = redisReaderCreate()
        // 0 disables the idle-buffer shrink (hiredis's REDIS_READER_MAX_BUF): big bulks stay in one buffer,
        // as in our decoder.
        reader.pointee.maxbuf = 0
    }

    deinit { redisReaderFree(reader) }

    /// Appends bytes from the stream.
    public func feed(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        _ = redisReaderFeed(reader, base.assumingMemoryBound(to: CChar.self), bytes.count)
    }

    /// Parses and frees one reply; false when more bytes are needed or the stream is malformed.
    public func nextReply() -> Bool {
        var reply: UnsafeMutableRawPointer?
        guard redisReaderGetReply(reader, &reply) == REDIS_OK, let reply else { return false }
        freeReplyObject(reply)
        return true
    }
}
