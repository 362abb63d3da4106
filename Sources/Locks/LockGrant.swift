/// A lock held: what the holder needs to release, extend, or fence its writes, and the acquisition's numbers.
public struct LockGrant: Sendable, Hashable {
    // One reference instead of twelve fields: a grant is copied from the outcome into the holder's
    // state, into its release and out again, and every copy of the fields retained the key, the
    // token and the Redlock reports and moved over a hundred bytes. Setters (rare: tests forge
    // tokens) replace the box, so a copy never sees another's change.
    private var box: Box

    private final class Box: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private struct Fields: Sendable, Hashable {
        var key: String
        var token: String
        var fencingToken: Int64?
        var attempts: Int
        var commands: Int
        var startedAtNanos: UInt64
        var grantedAtNanos: UInt64
        var ttlMs: Int
        var validityMs: Double
        var redlockAttempts: [RedlockAttemptReport]
        var legacyExpiresAtMs: Int64?
        var legacyTookOverExpiryMs: Int64?
    }

    init(
        key: String,
        token: String,
        fencingToken: Int64?,
        attempts: Int,
        commands: Int,
        startedAtNanos: UInt64,
        grantedAtNanos: UInt64,
        ttlMs: Int,
        validityMs: Double,
        redlockAttempts: [RedlockAttemptReport],
        legacyExpiresAtMs: Int64?,
        legacyTookOverExpiryMs: Int64?
    ) {
        box = Box(Fields(
            key: key,
            token: token,
            fencingToken: fencingToken,
            attempts: attempts,
            commands: commands,
            startedAtNanos: startedAtNanos,
            grantedAtNanos: grantedAtNanos,
            ttlMs: ttlMs,
            validityMs: validityMs,
            redlockAttempts: redlockAttempts,
            legacyExpiresAtMs: legacyExpiresAtMs,
            legacyTookOverExpiryMs: legacyTookOverExpiryMs))
    }

    private mutating func update(_ change: (inout Fields) -> Void) {
        var fields = box.fields
        change(&fields)
        box = Box(fields)
    }

    /// The lock key.
    public var key: String {
        get { box.fields.key }
        set { update { $0.key = newValue } }
    }

    /// The value stored in the lock: a 128-bit random hex token (legacy-getset: the expiry it stored).
    public var token: String {
        get { box.fields.token }
        set { update { $0.token = newValue } }
    }

    /// `fenced`: the fencing token, strictly increasing per key. `nil` for other algorithms.
    public var fencingToken: Int64? {
        get { box.fields.fencingToken }
        set { update { $0.fencingToken = newValue } }
    }

    /// Attempts made, this one included (FIFO: enqueue/poll scripts run).
    public var attempts: Int {
        get { box.fields.attempts }
        set { update { $0.attempts = newValue } }
    }

    /// Commands this acquisition sent (EVALSHA counts one; NOSCRIPT fallbacks count).
    public var commands: Int {
        get { box.fields.commands }
        set { update { $0.commands = newValue } }
    }

    /// Monotonic ns when the acquisition started (before the first attempt was sent).
    public var startedAtNanos: UInt64 {
        get { box.fields.startedAtNanos }
        set { update { $0.startedAtNanos = newValue } }
    }

    /// Monotonic ns when the grant was seen.
    public var grantedAtNanos: UInt64 {
        get { box.fields.grantedAtNanos }
        set { update { $0.grantedAtNanos = newValue } }
    }

    /// The lock's TTL, ms.
    public var ttlMs: Int {
        get { box.fields.ttlMs }
        set { update { $0.ttlMs = newValue } }
    }

    /// How long the lock is safe to use from `grantedAtNanos`, ms: Redlock's `ttl − elapsed − drift`;
    /// the TTL for the others.
    public var validityMs: Double {
        get { box.fields.validityMs }
        set { update { $0.validityMs = newValue } }
    }

    /// `redlock`: every attempt of this acquisition, the granted one last.
    public var redlockAttempts: [RedlockAttemptReport] {
        get { box.fields.redlockAttempts }
        set { update { $0.redlockAttempts = newValue } }
    }

    /// `legacy-getset`: the expiry (client ms, skew included) this holder stored.
    public var legacyExpiresAtMs: Int64? {
        get { box.fields.legacyExpiresAtMs }
        set { update { $0.legacyExpiresAtMs = newValue } }
    }

    /// `legacy-getset`: when the lock was taken over with GETSET, the expired value that was replaced.
    public var legacyTookOverExpiryMs: Int64? {
        get { box.fields.legacyTookOverExpiryMs }
        set { update { $0.legacyTookOverExpiryMs = newValue } }
    }

    /// Acquire latency: first attempt to grant, ns.
    public var latencyNanos: UInt64 { grantedAtNanos &- startedAtNanos }

    /// Equal when every field is: the same box, or boxes holding equal fields.
    public static func == (lhs: LockGrant, rhs: LockGrant) -> Bool {
        lhs.box === rhs.box || lhs.box.fields == rhs.box.fields
    }

    /// Hashes the fields, not the box's identity, so equal grants hash alike.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(box.fields)
    }
}
