import Dispatch
import LoadDriver
import Locks

/// The store counterpart of the Redis handshake check: one session opened and closed before anything
/// is measured, so an unreachable store, or a port that is not the store's (a Redis port given as
/// `--etcd`), is an environment error with the store client's own message, not a run of errors.
enum StoreProbe {
    static func check(_ scenario: Scenario, target: RunTarget) async throws(HarnessError) {
        guard let store = target.store else { return }
        let queue = DispatchQueue(label: "lockbench.store-probe")
        let named = target.endpoints.map(\.description).joined(separator: ", ")
        do {
            let session = try await store.connector.open(spec: scenario.lock, queue: queue)
            queue.async { session.close() }
        } catch {
            throw HarnessError("cannot open a \(scenario.deployment.store.displayName) session on \(named): \(error)")
        }
    }
}
