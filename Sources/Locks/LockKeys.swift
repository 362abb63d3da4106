/// The keys and channel a lock uses besides its own key, so tests and the driver can inspect them.
public enum LockKeys {
    /// `fenced`: the per-key fencing counter (never expires, so tokens only increase).
    public static func fence(_ key: String) -> String { key + ":fence" }
    /// `fifo`: the per-key ticket list (tokens in arrival order).
    public static func queue(_ key: String) -> String { key + ":fifo" }
    /// `fifo`: the per-key ticket deadlines (hash token → server-ms deadline).
    public static func queueDeadlines(_ key: String) -> String { key + ":fifo:dl" }
    /// `pubsub`/`fifo`: the per-key channel a release publishes on.
    public static func channel(_ key: String) -> String { key + ":wake" }
}

/// A problem with the connections or wheel handed to a `LockContext`.
public struct LockSetupError: Error, Sendable, CustomStringConvertible {
    /// What is wrong and what to do.
    public var reason: String
    /// `lock context setup: <reason>`.
    public var description: String { "lock context setup: \(reason)" }
}
