/// Bounds the decoder enforces, so a hostile or broken peer cannot make it allocate without limit.
///
/// The defaults follow redis-server's own: `proto-max-bulk-len` is 512 MiB, and inline lines
/// are capped at 64 KiB. Tighten them for a fuzzer or a test, never loosen them past memory.
public struct RESPLimits: Sendable, Hashable {
    /// Largest bulk, bulk error or verbatim payload accepted, in bytes.
    public var maxBulkLength: Int
    /// Deepest nesting of aggregates (arrays, maps, sets, pushes, attributes) accepted; a top-level
    /// array is depth 1.
    public var maxDepth: Int
    /// Longest line accepted, in bytes between the type byte and CRLF: simple strings, errors,
    /// numbers, and the length headers of bulks and aggregates.
    public var maxLineLength: Int
    /// Largest element count an aggregate header may declare (pairs, for maps and attributes).
    public var maxAggregateCount: Int

    /// Makes limits; every argument defaults to redis-server's own bound.
    public init(
        maxBulkLength: Int = 512 << 20,
        maxDepth: Int = 64,
        maxLineLength: Int = 64 << 10,
        maxAggregateCount: Int = 1 << 24
    ) {
        self.maxBulkLength = maxBulkLength
        self.maxDepth = maxDepth
        self.maxLineLength = maxLineLength
        self.maxAggregateCount = maxAggregateCount
    }
}
