import LoadDriver
import Locks
import RedisConnection

/// An embedded store's shape: which store, how many members.
struct StoreShape: Hashable, Sendable {
    var kind: LockStoreKind
    var members: Int
}

/// The embedded consensus stores of a `ServerSet`, by shape, and which of them a run has used.
struct EmbeddedStores: Sendable {
    var stores: [StoreShape: any EmbeddedStore] = [:]
    var used: Set<StoreShape> = []

    /// Every store, leaving none behind (to stop them).
    mutating func takeAll() -> [any EmbeddedStore] {
        defer { stores.removeAll() }
        return Array(stores.values)
    }
}

extension Deployment {
    /// The consensus store lockbench starts for this deployment, if any.
    var embeddedStore: StoreShape? {
        switch self {
        case .etcd(.embedded(let members)): return StoreShape(kind: .etcd, members: members)
        case .zookeeper(.embedded(let members)): return StoreShape(kind: .zookeeper, members: members)
        default: return nil
        }
    }
}

extension ServerSet {
    /// Starts every embedded store `deployments` need, once per shape; on a failure, stops what it
    /// started and throws the store's own message.
    static func startStores(for deployments: [Deployment]) async throws(HarnessError) -> [StoreShape: any EmbeddedStore] {
        var started: [StoreShape: any EmbeddedStore] = [:]
        for shape in deployments.compactMap(\.embeddedStore) where started[shape] == nil {
            do {
                started[shape] = try await StoreBackends.backend(for: shape.kind).start(members: shape.members)
            } catch {
                for store in started.values { await store.stop() }
                if let error = error as? HarnessError { throw error }
                throw HarnessError("cannot start \(shape.members) \(shape.kind.displayName) member(s): \(error)")
            }
        }
        return started
    }

    /// The client endpoints of a store deployment: the ones given, or the embedded members'.
    func storeEndpoints(_ deployment: Deployment) throws(HarnessError) -> [Endpoint] {
        if case .external(let endpoints)? = deployment.storeSource { return endpoints }
        guard let shape = deployment.embeddedStore, let store = embeddedStores.withLock({ $0.stores[shape] }) else {
            throw HarnessError("\(deployment) was not started for this session")
        }
        return store.clientEndpoints
    }

    /// The store lockbench started for `deployment`, if it did.
    func embeddedStore(for deployment: Deployment) -> (any EmbeddedStore)? {
        guard let shape = deployment.embeddedStore else { return nil }
        return embeddedStores.withLock { $0.stores[shape] }
    }

    /// Makes sure the next run on `deployment`'s embedded store gets members no earlier run used: the
    /// first run takes the store the session started, each later one a new one in place of the old.
    ///
    /// A Redis server forgets a run once its keys are gone. A consensus store does not: etcd keeps every
    /// revision of the run (no compaction here), its lock service can still be working through a
    /// thousand cancelled waiters, and ZooKeeper holds the closed sessions' state. Each of these changed
    /// the next run's figures in a sweep, so no two runs share members.
    func freshStore(for deployment: Deployment) async throws(HarnessError) {
        guard owned, let shape = deployment.embeddedStore else { return }
        let old = embeddedStores.withLock { stores -> (any EmbeddedStore)?? in
            guard stores.used.contains(shape) else {
                stores.used.insert(shape)
                return .none
            }
            return .some(stores.stores.removeValue(forKey: shape))
        }
        guard case .some(let replaced) = old else { return }
        if let replaced { await replaced.stop() }
        let fresh = try await Self.startStores(for: [deployment])
        embeddedStores.withLock { $0.stores.merge(fresh) { _, new in new } }
    }

    /// A note when the store will not keep `scenario`'s TTL as given (ZooKeeper's clamp), else `nil`.
    public func storeTTLNote(for scenario: Scenario) -> String? {
        guard scenario.deployment.store != .redis, let backend = try? StoreBackends.backend(for: scenario.deployment.store) else { return nil }
        return backend.ttlNote(ttlMs: scenario.lock.ttlMs, embedded: embeddedStore(for: scenario.deployment))
    }

    /// What the session started of consensus stores, a line each, for the terminal.
    public var storeSummary: String? {
        let lines = embeddedStores.withLock { $0.stores }.sorted { "\($0.key.kind)\($0.key.members)" < "\($1.key.kind)\($1.key.members)" }.map(\.value.startedSummary)
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }
}
