import LoadDriver
import Locks

/// The store counterpart of the Redis handshake check, before anything is measured: an unreachable
/// store, or a port that is not the store's (a Redis port given as `--etcd`), is an environment error
/// with the store client's own message, not a run of errors.
enum StoreProbe {
    static func check(_ scenario: Scenario, target: RunTarget) async throws(HarnessError) {
        guard let store = target.store else { return }
        let named = target.endpoints.map(\.description).joined(separator: ", ")
        do {
            try await StoreBackends.backend(for: scenario.deployment.store).check(store.connector, spec: scenario.lock)
        } catch let error as HarnessError {
            throw error
        } catch {
            throw HarnessError("cannot lock on \(scenario.deployment.store.displayName) at \(named): \(error)")
        }
    }
}
