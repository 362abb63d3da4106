import RedisCluster
import Synchronization

/// Per-key state (`KeyState`) for keys that contenders on several lanes lock: with a drawn
/// `--key-dist`, any contender may lock any key, so the witness, hand-off clock and arrival order of a
/// key cannot live on one lane. One `Mutex` per key, held only for a few field updates: lanes meet only
/// on the same key, which is exactly when the witness must order their grants and releases. (A `fixed`
/// run keeps each key on its lane and takes no lock.)
final class SharedKeys: Sendable {
    private final class Slot: Sendable {
        let state = Mutex(KeyState())
    }

    // A class per key because `Mutex` is not copyable and so cannot be an array element.
    private let slots: [Slot]

    init(keys: Int) {
        slots = (0..<keys).map { _ in Slot() }
    }

    @inline(__always)
    func withKey<R: Sendable>(_ key: Int, _ body: (inout KeyState) -> R) -> R {
        slots[key].state.withLock { body(&$0) }
    }
}

extension LoadRun {
    /// The lock key name for key index `key` of a run, the one place it is built: `prefix{17:KDAM}`.
    /// The hash tag makes every key of one lock (`:fence`, `:fifo`, `:fifo:dl`, `:wake` are appended
    /// after it) share one cluster slot, and spreads the indices evenly over the slots
    /// (`HashSlot.spreadTag`). The same name on every deployment, so results stay comparable.
    public static func keyName(prefix: String, key: Int) -> String {
        prefix + "{" + HashSlot.spreadTag(key) + "}"
    }
}
