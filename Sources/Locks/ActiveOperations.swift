/// The acquisitions in progress on one context, for `cancelAll` and diagnostics.
///
/// Each operation keeps its own slot, so adding and removing one is an append and a swap with the
/// last: a dictionary keyed by operation id hashed twice per acquisition on the measured path.
struct ActiveOperations {
    private(set) var operations: [AcquireOperation] = []

    var count: Int { operations.count }

    mutating func insert(_ operation: AcquireOperation) {
        precondition(operation.activeSlot < 0, "acquisition \(operation.id) is already active")
        operation.activeSlot = operations.count
        operations.append(operation)
    }

    mutating func remove(_ operation: AcquireOperation) {
        let slot = operation.activeSlot
        guard slot >= 0 else { return }
        operation.activeSlot = -1
        let last = operations.removeLast()
        if last !== operation {
            operations[slot] = last
            last.activeSlot = slot
        }
    }
}
