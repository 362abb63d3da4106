extension Lane {
    /// The key contender `i`'s acquisition starting now locks: its own (`fixed`), or a fresh draw.
    @inline(__always)
    func nextKey(_ i: Int) -> Int {
        guard let sampler else { return contenders[i].key }
        let key = sampler.next(&keyRNG)
        contenders[i].key = key
        return key
    }

    /// Runs `body` on key `key`'s state: in place on this lane (`fixed`), or under the key's lock.
    @inline(__always)
    func withKey<R: Sendable>(_ key: Int, _ body: (inout KeyState) -> R) -> R {
        if let sharedKeys { return sharedKeys.withKey(key, body) }
        return body(&keys[key])
    }
}
