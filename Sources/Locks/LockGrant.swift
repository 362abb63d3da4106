/// A lock held: what the holder needs to release, extend, or fence its writes, and the acquisition's numbers.
///
/// Its fields (`key`, `token`, `fencingToken`, …) are `LockGrant.Fields`'s, read and set through the
/// grant as if they were its own.
@dynamicMemberLookup
public struct LockGrant: Sendable, Hashable {
    // One reference instead of twelve fields: a grant is copied from the outcome into the holder's
    // state, into its release and out again, and every copy of the fields retained the key, the
    // token and the Redlock reports and moved over a hundred bytes. Setters (rare: tests forge
    // tokens) replace the box, so a copy never sees another's change.
    @usableFromInline var box: Box

    @usableFromInline final class Box: Sendable {
        @usableFromInline let fields: Fields
        @usableFromInline init(_ fields: Fields) { self.fields = fields }
    }

    /// What a grant holds.
    public struct Fields: Sendable, Hashable {
        public var key: String
        /// The value stored in the lock: a 128-bit random hex token (legacy-getset: the expiry it stored).
        public var token: String
        /// `fenced`: the fencing token, strictly increasing per key. `nil` for other algorithms.
        public var fencingToken: Int64?
        /// Attempts made, this one included (FIFO: enqueue/poll scripts run).
        public var attempts: Int
        /// Commands this acquisition sent (EVALSHA counts one; NOSCRIPT fallbacks count).
        public var commands: Int
        /// Monotonic ns when the acquisition started (before the first attempt was sent).
        public var startedAtNanos: UInt64
        /// Monotonic ns when the grant was seen.
        public var grantedAtNanos: UInt64
        /// The lock's TTL, ms.
        public var ttlMs: Int
        /// How long the lock is safe to use from `grantedAtNanos`, ms: Redlock's `ttl − elapsed − drift`;
        /// the TTL for the others.
        public var validityMs: Double
        /// `redlock`: every attempt of this acquisition, the granted one last.
        public var redlockAttempts: [RedlockAttemptReport]
        /// `legacy-getset`: the expiry (client ms, skew included) this holder stored.
        public var legacyExpiresAtMs: Int64?
        /// `legacy-getset`: when the lock was taken over with GETSET, the expired value that was replaced.
        public var legacyTookOverExpiryMs: Int64?
    }

    init(_ fields: Fields) {
        box = Box(fields)
    }

    /// A field of the grant, e.g. `grant.token`.
    @inlinable
    public subscript<Value>(dynamicMember field: WritableKeyPath<Fields, Value>) -> Value {
        get { box.fields[keyPath: field] }
        set {
            var fields = box.fields
            fields[keyPath: field] = newValue
            box = Box(fields)
        }
    }

    /// Acquire latency: first attempt to grant, ns.
    public var latencyNanos: UInt64 { box.fields.grantedAtNanos &- box.fields.startedAtNanos }

    /// Equal when every field is: the same box, or boxes holding equal fields.
    public static func == (lhs: LockGrant, rhs: LockGrant) -> Bool {
        lhs.box === rhs.box || lhs.box.fields == rhs.box.fields
    }

    /// Hashes the fields, not the box's identity, so equal grants hash alike.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(box.fields)
    }
}
