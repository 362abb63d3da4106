import Dispatch

/// A session's completion, carried through a Task and called back on the session's queue.
///
/// @unchecked: the closure is not Sendable (it touches queue-confined driver state), but it only ever
/// runs on `queue`, which is what makes that state safe; the Task merely carries it.
struct QueueCompletion<Value: Sendable>: @unchecked Sendable {
    let queue: DispatchQueue
    let body: (Value) -> Void

    func callAsFunction(_ value: Value) {
        queue.async { self.body(value) }
    }
}
