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
    /// The lock key name for key index `key` of a run: the one place it is built (a cluster target
    /// wraps the index in a hash tag here, so every key of one lock shares a slot).
    public static func keyName(prefix: String, key: Int) -> String {
        prefix + String(key)
    }
}
