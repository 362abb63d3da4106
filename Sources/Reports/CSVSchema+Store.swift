import LoadDriver
import Locks

extension CSVSchema {
    /// Columns added with etcd and ZooKeeper targets: how the sessions kept their lease (etcd) or session
    /// (ZooKeeper) alive, summed over the run's sessions, as the watchdog columns are for Redis. Empty on
    /// Redis.
    static let storeLiveness: [CSVColumn<RunResult>] = [
        CSVColumn("store_keepalives", "count", "etcd/ZooKeeper: lease keep-alives (or session pings) answered, all sessions.") { NumberText.int($0.storeLiveness?.renewals) },
        CSVColumn("store_keepalives_late", "count", "etcd/ZooKeeper: keep-alives sent later than their schedule (a third of the lease TTL).") { NumberText.int($0.storeLiveness?.late) },
        CSVColumn("store_keepalive_worst_late_ms", "ms", "etcd/ZooKeeper: the latest any keep-alive went out against its schedule.") { NumberText.fixed($0.storeLiveness?.worstLatenessMs, 3) },
        CSVColumn("store_keepalives_missed", "count", "etcd/ZooKeeper: keep-alives unanswered or refused (the lease or session was being lost).") { NumberText.int($0.storeLiveness?.missed) },
        CSVColumn("store_sessions_expired", "count", "etcd/ZooKeeper: leases or sessions lost; every claim of that session was dropped with it (0 is the healthy value).") { NumberText.int($0.storeLiveness?.expired) },
    ]
}

extension SummaryTable {
    /// etcd and ZooKeeper runs: the sessions' lease keep-alives, like the watchdog's renewals on Redis.
    static var storeLivenessRows: [Row] {
        [
            row("lease keep-alives", ratio: false, format: count) { $0.storeLiveness.map { Double($0.renewals) } },
            row("keep-alives late", ratio: false, format: count) { $0.storeLiveness.map { Double($0.late) } },
            row("keep-alive worst lateness (ms)", ratio: false, format: { NumberText.fixed($0, 1) }) { $0.storeLiveness?.worstLatenessMs },
            row("keep-alives missed", ratio: false, format: count) { $0.storeLiveness.map { Double($0.missed) } },
            row("leases/sessions expired", ratio: false, format: count) { $0.storeLiveness.map { Double($0.expired) } },
        ]
    }

    /// A result's column heading: the client on Redis; on a consensus store, the store (its client is
    /// lockbench's own, whatever `--client` said).
    static func columnName(_ r: RunResult) -> String {
        r.scenario.deployment.store == .redis ? r.scenario.client.rawValue : r.scenario.deployment.store.rawValue
    }
}
