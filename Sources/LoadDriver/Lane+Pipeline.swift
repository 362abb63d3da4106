extension Lane {
    /// Starts the oldest contender parked on `slot` (waiting for the connection's `--pipeline` room),
    /// if any.
    func unpark(_ slot: Int) {
        guard !stopping, parkedHead[slot] < parked[slot].count else { return }
        let next = parked[slot][parkedHead[slot]]
        parkedHead[slot] += 1
        if parkedHead[slot] == parked[slot].count {
            parked[slot].removeAll(keepingCapacity: true)
            parkedHead[slot] = 0
        }
        beginAcquire(next, intendedAt: contenders[next].intendedAt)
    }
}
