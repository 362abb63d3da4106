import Dispatch
import EtcdClient
import Locks
import RedisConnection
import RedisFleet
import Testing

/// One driver lane as the harness makes it: a queue, its timer wheel, an etcd session on that queue,
/// and a LockContext that runs the session through `Locker`.
struct EtcdLane: Sendable {
    let queue: DispatchQueue
    let session: any LockStoreSession
    let context: LockContext

    static func open(_ connector: EtcdConnector, spec: LockSpec, label: String) async throws -> EtcdLane {
        let queue = DispatchQueue(label: "lockbench.test.etcd.\(label)")
        let wheel = TimerWheel(queue: queue)
        let session = try await connector.open(spec: spec, queue: queue)
        let context = try LockContext(spec: spec, wheel: wheel, connections: [], seed: 7, store: session)
        return EtcdLane(queue: queue, session: session, context: context)
    }

    /// The session's liveness, read on its queue.
    var liveness: StoreLiveness {
        get async {
            await withCheckedContinuation { continuation in
                queue.async { continuation.resume(returning: session.liveness) }
            }
        }
    }

    /// A contender of this lane, made on its queue.
    func makeLocker() async -> Locker {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: context.makeLocker()) }
        }
    }

    func close() {
        queue.sync { session.close() }
    }
}

/// Who holds each key right now, and every grant's fence in grant order: what the witness checks,
/// kept by the test itself.
actor HolderBook {
    private var holders: [String: Set<String>] = [:]
    private(set) var overlaps = 0
    private(set) var fences: [String: [Int64]] = [:]
    private var lastHolder: [String: String] = [:]
    private(set) var grants = 0
    /// Fences that were not above the previous grant's on the same key. The same fence again for the
    /// same holder is tolerated: clientv3 lets a holder whose release failed find its own key again, and
    /// a recipe that did so would not have granted the key to anyone else meanwhile.
    private(set) var fenceRegressions = 0

    func enter(_ key: String, holder: String, fence: Int64?) {
        if !(holders[key] ?? []).isEmpty { overlaps += 1 }
        holders[key, default: []].insert(holder)
        grants += 1
        if let fence {
            if let last = fences[key]?.last, fence < last || (fence == last && lastHolder[key] != holder) { fenceRegressions += 1 }
            lastHolder[key] = holder
            fences[key, default: []].append(fence)
        }
    }

    func leave(_ key: String, holder: String) {
        holders[key]?.remove(holder)
    }
}

/// `contenders` lockers per lane each take `key` `rounds` times (retrying failures, which a leader
/// loss causes), holding it across a yield; the book sees every grant. `afterGrant` runs once, after
/// the first grant, and may break the cluster.
func hammer(
    lanes: [EtcdLane], contendersPerLane: Int, rounds: Int, key: String, book: HolderBook,
    afterFirstGrant: (@Sendable () async -> Void)? = nil
) async throws -> (failures: Int, timeouts: Int) {
    let firstGrant = FirstGrant()
    return try await withThrowingTaskGroup(of: (Int, Int).self) { group in
        for (laneIndex, lane) in lanes.enumerated() {
            for contender in 0..<contendersPerLane {
                let locker = await lane.makeLocker()
                let name = "lane\(laneIndex)-c\(contender)"
                group.addTask {
                    var failures = 0
                    var timeouts = 0
                    var done = 0
                    while done < rounds {
                        switch await locker.acquire(key: key, timeoutMs: 60_000) {
                        case .granted(let grant):
                            await book.enter(key, holder: name, fence: grant.fencingToken)
                            if await firstGrant.claim(), let afterFirstGrant { await afterFirstGrant() }
                            await Task.yield()
                            await book.leave(key, holder: name)
                            _ = await locker.release(grant)
                            done += 1
                        case .timedOut, .gaveUp:
                            timeouts += 1
                        case .failed:
                            failures += 1
                            guard failures < 200 else { throw HammerError(detail: "\(name): 200 failed acquisitions") }
                            try await Task.sleep(for: .milliseconds(50))
                        }
                    }
                    return (failures, timeouts)
                }
            }
        }
        var totals = (failures: 0, timeouts: 0)
        for try await (failures, timeouts) in group {
            totals.failures += failures
            totals.timeouts += timeouts
        }
        return totals
    }
}

struct HammerError: Error, CustomStringConvertible {
    var detail: String
    var description: String { detail }
}

actor FirstGrant {
    private var claimed = false
    func claim() -> Bool {
        defer { claimed = true }
        return !claimed
    }
}

/// A test's etcd: a started cluster, a connector on it, and lanes with sessions for `algorithm`.
struct EtcdFixture {
    let cluster: EtcdCluster
    let connector: EtcdConnector
    let lanes: [EtcdLane]

    static func start(members: Int, algorithm: LockAlgorithmKind, ttlMs: Int = 10_000, lanes labels: [String]) async throws -> EtcdFixture {
        let cluster = try await EtcdCluster.start(members: members)
        do {
            let connector = try EtcdConnector(endpoints: cluster.clientEndpoints)
            let spec = LockSpec(algorithm: algorithm, wait: .watch, ttlMs: ttlMs)
            var lanes: [EtcdLane] = []
            for label in labels { lanes.append(try await EtcdLane.open(connector, spec: spec, label: label)) }
            return EtcdFixture(cluster: cluster, connector: connector, lanes: lanes)
        } catch {
            cluster.stop()
            throw error
        }
    }

    /// Closes the sessions, then stops the members.
    func stop() {
        lanes.forEach { $0.close() }
        cluster.stop()
    }
}
