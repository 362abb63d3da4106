import BenchMetrics
import LoadDriver
import Locks

/// Every CSV column lockbench writes, in order: the one place they are defined, so the files and the
/// README schema cannot disagree. Append new columns; never rename or reorder existing ones (a file
/// with the old header is refused, not silently mixed).
public enum CSVSchema {
    private typealias Column = CSVColumn<RunResult>

    private static func f(_ x: Double?, _ places: Int) -> String { NumberText.fixed(x, places) }
    private static func i<T: BinaryInteger>(_ n: T?) -> String { NumberText.int(n) }
    private static func us(_ kind: LatencyKind, _ pick: @escaping @Sendable (LatencySummary) -> Double) -> @Sendable (RunResult) -> String {
        { r in f(r.measurements.latency(kind).map(pick), 3) }
    }
    private static func redlockOnly(_ r: RunResult, _ value: String) -> String {
        r.scenario.lock.algorithm == .redlock ? value : ""
    }

    /// The summary CSV (`--csv`): one row per scenario per client.
    public static let summary: [CSVColumn<RunResult>] = identity + scenario + measurements + status + harness + keyPopularity + target + sharding + storeLiveness

    /// Scenario columns appended after the measurements (the schema grows only at its end), each with the
    /// value a row written before the column existed implies: rows of either age then identify the same
    /// cell (`SummaryRow.scenarioKey`).
    public static let appendedScenarioColumns: [(name: String, absent: String)] = [
        ("key_dist", KeyDistribution.absentDefault.description), ("topology", "standalone"), ("tls", "off"),
        ("shard", ""), ("shards", ""),
    ]

    private static let identity: [Column] = [
        Column("run_id", "", "Run id: UTC start time and 4 random hex digits; the rows of one `--client both` run share it.") { $0.identity.runID },
        Column("time", "ISO-8601 UTC", "When the run started.") { $0.identity.time },
        Column("git_sha", "", "`git rev-parse --short HEAD` of the working directory, or `unknown`.") { $0.identity.gitSHA },
        Column("host", "", "Host name of the machine that ran the harness.") { $0.identity.host },
        Column("cores", "count", "Active processor cores on that machine.") { i($0.identity.cores) },
        Column("os", "", "Operating system and kernel.") { $0.identity.os },
        Column("swift_version", "", "Swift compiler the harness was built with.") { $0.identity.swiftVersion },
        Column("redis_version", "", "`redis_version` reported by the server(s); on etcd or ZooKeeper, the store's version when its counters give one, else `unknown`.") { $0.identity.redisVersion },
    ]

    private static let scenario: [Column] = [
        Column("client", "", "`native` (Swift RESP client) or `hiredis`; `native` on etcd and ZooKeeper, whose runs use lockbench's own client of the store.") { $0.scenario.client.rawValue },
        Column("algorithm", "", "Lock algorithm: `setnx-px`, `legacy-getset`, `naive-getdel`, `fenced`, `redlock` on Redis; `etcd-mutex`, `etcd-lock-rpc` on etcd; `zk-recipe` on ZooKeeper.") { $0.scenario.lock.algorithm.rawValue },
        Column("wait", "", "Wait strategy: `spin`, `fixed`, `backoff`, `pubsub`, `fifo`; `watch` (the store queues its waiters) on etcd and ZooKeeper.") { $0.scenario.lock.wait.kind.rawValue },
        Column("wait_params", "", "The wait strategy's parameters, e.g. `base=1ms cap=50ms` (empty for `spin`).") { $0.scenario.lock.wait.parameters },
        Column("servers", "count", "Redis servers (Redlock: masters); etcd members or ZooKeeper servers.") { i($0.endpoints.count) },
        Column("embedded", "true/false", "Whether lockbench started the servers itself.") { $0.scenario.deployment.isEmbedded ? "true" : "false" },
        Column("endpoints", "", "The servers, space-separated `host:port` or `unix:path`.") { $0.endpoints.map(\.description).joined(separator: " ") },
        Column("contenders", "count", "Concurrent contenders (state machines, not threads).") { i($0.scenario.contenders) },
        Column("keys", "count", "Distinct lock keys; contenders/keys is the contention per key.") { i($0.scenario.keys) },
        Column("connections", "count", "Command connections per server, shared by the contenders; on etcd and ZooKeeper, store sessions (each with its own lease or session).") { i($0.scenario.connections) },
        Column("pipeline", "acquisitions", "Most acquisitions in progress on one connection (0: no cap); a release is never held back, since a holder queued behind its own waiters would stall them.") { i($0.scenario.pipeline) },
        Column("queues", "count", "Serial Dispatch queues the contenders ran on.") { i($0.scenario.queues) },
        Column("reply_wait_us", "µs", "How long a queue waited in poll(2) for owed replies before returning its thread to Dispatch (0: it never did; see --reply-wait).") { i($0.scenario.effectiveReplyWaitUs) },
        Column("ttl_ms", "ms", "Lock time-to-live; on etcd and ZooKeeper, the lease TTL or session timeout (etcd counts leases in whole seconds).") { i($0.scenario.lock.ttlMs) },
        Column("hold", "duration", "Time a holder keeps the lock: `2ms`, `exp:2ms` (mean) or `uniform:1ms-5ms`.") { $0.scenario.hold.description },
        Column("think", "duration", "Pause between a release and the next acquire, same syntax as `hold`.") { $0.scenario.think.description },
        Column("mode", "", "`closed` (each contender waits for its own cycle) or `open` (arrivals at `rate`).") { $0.scenario.mode.name },
        Column("rate", "acquisitions/s", "Open loop: target arrival rate (empty for closed loop).") { f($0.scenario.mode.rate, 3) },
        Column("arrivals", "", "Open loop: `poisson` or `uniform` inter-arrival times (empty for closed loop).") { r in
            if case .open(_, let arrivals) = r.scenario.mode { return arrivals.rawValue }
            return ""
        },
        Column("duration_s", "s", "Planned measurement window.") { f($0.scenario.durationS, 3) },
        Column("warmup_s", "s", "Warm-up before the window (discarded).") { f($0.scenario.warmupS, 3) },
        Column("requests", "count", "Stop after this many acquisitions (empty: run for the duration).") { i($0.scenario.requests) },
        Column("max_attempts", "count", "Attempts before an acquisition gives up (empty: until its deadline).") { i($0.scenario.lock.maxAttempts) },
        Column("seed", "", "Seed for tokens, jitter, hold/think draws and arrivals.") { "\($0.scenario.seed)" },
        Column("db", "", "Database index.") { i($0.scenario.connection.db) },
        Column("command_timeout_ms", "ms", "Per-command reply deadline.") { i($0.scenario.connection.commandTimeoutMs) },
        Column("acquire_timeout_ms", "ms", "An acquisition not granted within this long counts as failed.") { i($0.scenario.acquireTimeoutMs) },
        Column("clock_skew_ms", "ms", "Client clock skew spread (±), used by legacy-getset only.") { i($0.scenario.clockSkewMs) },
        Column("redlock_nodes", "count", "Redlock masters (empty for other algorithms).") { r in redlockOnly(r, i(r.scenario.lock.redlock.nodes)) },
        Column("drift_factor", "fraction of TTL", "Redlock clock-drift allowance, proportional part.") { r in redlockOnly(r, f(r.scenario.lock.redlock.driftFactor, 4)) },
        Column("drift_fixed_ms", "ms", "Redlock clock-drift allowance, fixed part.") { r in redlockOnly(r, f(r.scenario.lock.redlock.driftFixedMs, 3)) },
        Column("retry_delay_ms", "ms", "Redlock random retry delay range, `min-max`.") { r in
            redlockOnly(r, "\(r.scenario.lock.redlock.retryDelayMinMs)-\(r.scenario.lock.redlock.retryDelayMaxMs)")
        },
        Column("per_node_timeout_ms", "ms", "Redlock: a master silent this long counts as failed for the attempt.") { r in
            redlockOnly(r, i(r.scenario.lock.redlock.perNodeTimeoutMs))
        },
    ]

    private static let measurements: [Column] = [
        Column("window_s", "s", "Measurement window actually covered (shorter than `duration_s` when partial).") { f($0.measurements.windowS, 3) },
        Column("acquisitions", "count", "Acquisitions that started and were granted inside the window.") { i($0.measurements.acquisitions) },
        Column("acquisitions_per_s", "acquisitions/s", "`acquisitions` / `window_s`.") { f($0.measurements.acquisitionsPerSecond, 2) },
        Column("failed_acquires", "count", "Acquisitions that ended without the lock (timed out, gave up, or failed).") { i($0.measurements.failedAcquires) },
        Column("errors", "count", "Errors of any kind (transport, server error replies, unexpected replies).") { i($0.measurements.errors) },
        Column("error_kinds", "", "Errors by kind, `kind=count` separated by `; `.") { r in
            r.measurements.errorsByKind.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        },
        Column("acquire_p50_us", "µs", "Acquire latency (first attempt → granted, retries and sleeps included), median.", us(.acquire) { $0.p50Us }),
        Column("acquire_p90_us", "µs", "Acquire latency, 90th percentile.", us(.acquire) { $0.p90Us }),
        Column("acquire_p99_us", "µs", "Acquire latency, 99th percentile.", us(.acquire) { $0.p99Us }),
        Column("acquire_p999_us", "µs", "Acquire latency, 99.9th percentile.", us(.acquire) { $0.p999Us }),
        Column("acquire_max_us", "µs", "Acquire latency, maximum.", us(.acquire) { $0.maxUs }),
        Column("acquire_mean_us", "µs", "Acquire latency, mean.", us(.acquire) { $0.meanUs }),
        Column("acquire_co_p50_us", "µs", "Open loop: acquire latency from the intended start (coordinated-omission corrected), median; empty for closed loop.", us(.acquireCorrected) { $0.p50Us }),
        Column("acquire_co_p99_us", "µs", "Corrected acquire latency, 99th percentile.", us(.acquireCorrected) { $0.p99Us }),
        Column("acquire_co_p999_us", "µs", "Corrected acquire latency, 99.9th percentile.", us(.acquireCorrected) { $0.p999Us }),
        Column("acquire_co_max_us", "µs", "Corrected acquire latency, maximum.", us(.acquireCorrected) { $0.maxUs }),
        Column("handoff_p50_us", "µs", "Handoff latency (release by one holder → grant to the next on the same key, counted only when another contender was already waiting at the release), median.", us(.handoff) { $0.p50Us }),
        Column("handoff_p99_us", "µs", "Handoff latency, 99th percentile.", us(.handoff) { $0.p99Us }),
        Column("handoff_max_us", "µs", "Handoff latency, maximum.", us(.handoff) { $0.maxUs }),
        Column("release_p50_us", "µs", "Release round trip, median.", us(.release) { $0.p50Us }),
        Column("release_p99_us", "µs", "Release round trip, 99th percentile.", us(.release) { $0.p99Us }),
        Column("extend_p50_us", "µs", "Extend round trip, median (empty when nothing was extended).", us(.extend) { $0.p50Us }),
        Column("extend_p99_us", "µs", "Extend round trip, 99th percentile.", us(.extend) { $0.p99Us }),
        Column("attempts_mean", "attempts", "Attempts per granted acquisition, mean.") { f($0.measurements.attempts?.mean, 3) },
        Column("attempts_p99", "attempts", "Attempts per granted acquisition, 99th percentile.") { i($0.measurements.attempts?.p99) },
        Column("attempts_max", "attempts", "Most attempts one acquisition needed.") { i($0.measurements.attempts?.max) },
        Column("jain", "0–1", "Jain's fairness index over per-contender grants (1 = equal; 1/n = one contender got all); empty when nothing was granted.") { f($0.measurements.fairness.jain, 6) },
        Column("grants_min", "count", "Fewest grants any contender got.") { i($0.measurements.fairness.min) },
        Column("grants_max", "count", "Most grants any contender got.") { i($0.measurements.fairness.max) },
        Column("starved", "count", "Contenders that got no grant.") { i($0.measurements.fairness.starved) },
        Column("grants_cv", "ratio", "Coefficient of variation of per-contender grants.") { f($0.measurements.fairness.cv, 6) },
        Column("fifo_inversions", "count", "A later arrival served before an earlier one on the same key.") { i($0.measurements.fifoInversions) },
        Column("mutex_violations", "count", "Times the witness saw two holders of one key at once.") { i($0.measurements.safety.mutexOverlaps) },
        Column("stale_writes_rejected", "count", "Writes the fenced resource refused for carrying an old fencing token.") { i($0.measurements.safety.staleWritesRejected) },
        Column("wrong_owner_deletes", "count", "Releases that deleted another owner's lock.") { i($0.measurements.safety.wrongOwnerDeletes) },
        Column("double_grants", "count", "Grants of a key a live holder still held, as the algorithm reported them.") { i($0.measurements.safety.doubleGrants) },
        Column("redlock_attempts", "count", "Redlock attempts (empty for other algorithms).") { r in redlockOnly(r, i(r.measurements.redlock?.attempts ?? 0)) },
        Column("redlock_elapsed_p50_ttl_pct", "% of TTL", "Redlock: time an attempt took as a share of the TTL, median.") { f($0.measurements.redlock?.elapsedTTLP50Pct, 3) },
        Column("redlock_elapsed_p99_ttl_pct", "% of TTL", "Redlock: time an attempt took as a share of the TTL, 99th percentile.") { f($0.measurements.redlock?.elapsedTTLP99Pct, 3) },
        Column("redlock_elapsed_max_ttl_pct", "% of TTL", "Redlock: time an attempt took as a share of the TTL, maximum.") { f($0.measurements.redlock?.elapsedTTLMaxPct, 3) },
        Column("validity_min_ms", "ms", "Redlock: smallest validity (ttl − elapsed − drift) left after reaching quorum; negative after an overrun.") { f($0.measurements.redlock?.validityMinMs, 3) },
        Column("validity_p1_ms", "ms", "Redlock: validity after reaching quorum, 1st percentile.") { f($0.measurements.redlock?.validityP1Ms, 3) },
        Column("ttl_overruns", "count", "Redlock: attempts that reached quorum with validity ≤ 0.") { r in redlockOnly(r, i(r.measurements.redlock?.overruns ?? 0)) },
        Column("split_votes", "count", "Redlock: attempts with no quorum because votes split; nobody won.") { r in redlockOnly(r, i(r.measurements.redlock?.splitVotes ?? 0)) },
        Column("nodes_answered_mean", "masters", "Redlock: masters that answered before an attempt was decided, mean.") { f($0.measurements.redlock?.nodesAnsweredMean, 3) },
        Column("watchdog_renewals", "count", "Watchdog renewals that succeeded (empty without a watchdog).") { i($0.measurements.watchdog?.renewals) },
        Column("watchdog_late_p99_us", "µs", "How late watchdog renewals ran against their ttl/3 schedule, 99th percentile.") { f($0.measurements.watchdog?.lateness?.p99Us, 3) },
        Column("watchdog_failures", "count", "Watchdog renewals that found the lock lost.") { i($0.measurements.watchdog?.failures) },
        Column("server_cmds_per_acquire", "commands", "Server command executions per acquisition over the window (INFO commandstats delta, script-internal commands included, the harness's INFO calls excluded).") { f($0.measurements.cost.serverCommandsPerAcquisition, 3) },
        Column("client_cmds_per_acquire", "commands", "Commands the clients sent per acquisition in the window (an EVALSHA counts once): the round trips a wait strategy costs.") { f($0.measurements.cost.clientCommandsPerAcquisition, 3) },
        Column("server_cpu_us_per_acquire", "µs", "Server CPU (used_cpu_sys + used_cpu_user delta, all servers) per acquisition.") { f($0.measurements.cost.serverCPUPerAcquisitionUs, 3) },
        Column("server_cmd_us_per_acquire", "µs", "Server time executing commands (commandstats usec) per acquisition.") { f($0.measurements.cost.serverCommandUsecPerAcquisition, 3) },
        Column("client_cpu_us_per_acquire", "µs", "Harness process CPU (user + system) per acquisition.") { f($0.measurements.cost.clientCPUPerAcquisitionUs, 3) },
        Column("client_cpu_pct", "% of one core", "Harness process CPU over the window (200 = two cores busy).") { f($0.measurements.cost.client?.cpuPercent, 1) },
        Column("server_cpu_pct", "% of one core", "Server CPU over the window, all servers summed; one Redis near 100 is the bottleneck (the run is server-bound).") { f($0.measurements.cost.serverCPUPercent, 1) },
        Column("peak_rss_mb", "MiB", "Harness peak resident memory (VmHWM) during this run: the mark is reset when the run starts, so with --client both each client's peak is its own.") { f($0.measurements.cost.client?.peakRSSMB, 1) },
        Column("threads", "count", "Most harness threads seen during the run.") { i($0.measurements.cost.client?.peakThreads) },
    ]

    private static let status: [Column] = [
        Column("partial", "true/false", "The run stopped early (Ctrl-C, a server died); figures cover `window_s` only.") { $0.partial ? "true" : "false" },
        Column("partial_reason", "", "Why the run is partial.") { $0.partialReason ?? "" },
        Column("error", "", "The error that ended the run, if one did.") { $0.error ?? "" },
    ]

    private static let harness: [Column] = [
        Column("client_bound", "true/false", "The harness, not the server, limited the run (its timers ran late, holds stretched, or open-loop arrivals waited for a free contender): the figures describe lockbench. Empty for results saved before it was measured.") { r in
            r.measurements.harness.map { $0.clientBound ? "true" : "false" } ?? ""
        },
        Column("client_bound_reason", "", "Which harness limits the run passed and by how much, e.g. `timer wheel p99 late by 40 ms; holds ran 12× their requested length`.") { $0.measurements.harness?.reason ?? "" },
        Column("timer_late_p99_us", "µs", "How late the driver's own timers (hold ends, think times, error backoffs, arrival ticks) ran after they were due, 99th percentile; includes rounding up to the 1 ms wheel tick.") { f($0.measurements.harness?.timerLateP99Us, 3) },
        Column("timer_late_max_us", "µs", "Driver timer lateness, maximum.") { f($0.measurements.harness?.timerLateMaxUs, 3) },
        Column("hold_stretch", "ratio", "Mean actual hold / mean requested hold (empty with hold 0); 1 = holds lasted what was asked.") { f($0.measurements.harness?.holdStretch, 3) },
        Column("hold_overrun_p99_us", "µs", "How much longer than requested a hold lasted, 99th percentile.") { f($0.measurements.harness?.holdOverrunP99Us, 3) },
        Column("arrivals_waited", "count", "Open loop: arrivals in the window that found no idle contender and started late (k6's `dropped_iterations`; their wait is in the corrected latency). Empty for closed loop.") { r in
            guard let h = r.measurements.harness, h.arrivals > 0 else { return "" }
            return i(h.arrivalsWaited)
        },
    ]

    /// Columns added with Cluster, Sentinel and TLS targets; appended, so older files keep their order.
    private static let target: [Column] = [
        Column("topology", "", "`standalone`, `redlock:N`, `cluster:PxR`, `sentinel:1xR`, `etcd:N` or `zookeeper:N` for servers lockbench started; `cluster`, `sentinel`, `etcd` or `zookeeper` for ones it was given. The store a row locked on.") { $0.scenario.deployment.topologyName },
        Column("tls", "", "`off`, `verified` (`--tls`: the server's certificate checked against the CA and name) or `insecure` (`--tls-insecure`: nothing checked).") { r in
            r.scenario.connection.tls.map { $0.insecure ? "insecure" : "verified" } ?? "off"
        },
        Column("cluster_moved", "count", "Cluster: MOVED redirects followed over the run, warm-up included (a slot changed owner). Empty off a cluster.") { i($0.cluster?.moved) },
        Column("cluster_ask", "count", "Cluster: ASK redirects followed (a slot half-migrated).") { i($0.cluster?.ask) },
        Column("cluster_tryagain", "count", "Cluster: TRYAGAIN retries (a multi-key command during a migration).") { i($0.cluster?.tryAgain) },
        Column("cluster_clusterdown", "count", "Cluster: CLUSTERDOWN retries (slots without a serving primary, e.g. mid-failover).") { i($0.cluster?.clusterDown) },
        Column("cluster_crossslot", "count", "Cluster: commands refused before sending because their keys span slots; a key-naming bug, must be 0.") { i($0.cluster?.crossSlot) },
        Column("shard_grants_per_s", "grants/s", "Cluster: grants per second on each primary's keys, `;`-separated in slot order (empty for Redlock, whose grants span N primaries).") { r in
            r.cluster.map { c in c.shards.map { f($0.grantsPerSecond, 1) }.joined(separator: ";") } ?? ""
        },
        Column("shard_server_cpu_pct", "% of one core", "Cluster: each primary's server CPU (INFO cpu delta over the window), `;`-separated in slot order.") { r in
            r.cluster.map { c in c.shards.map { f($0.serverCPUPercent, 1) }.joined(separator: ";") } ?? ""
        },
        Column("hot_shard_grants_pct", "% of grants", "Cluster: the busiest primary's share of the window's grants (100/primaries when even).") { f($0.cluster?.hotShardShare.map { $0 * 100 }, 3) },
    ] + failover

    /// Sentinel failovers a run followed: the worst window, and counts summed over every failover (the
    /// JSON result lists each one). Empty for deployments whose primary cannot move.
    private static let failover: [Column] = [
        Column("failovers", "count", "Sentinel: failovers the run followed (`+switch-master`, or a demoted primary found by `READONLY`).") { i($0.failovers?.count) },
        Column("failover_unavailable_ms", "ms", "Sentinel: the longest failover window, last grant before the switch → first grant on the new primary (driver clock); empty when no grant came after it.") { f($0.worstFailover?.unavailableMs, 3) },
        Column("failover_last_grant_before_ms", "ms from window start", "Sentinel: the worst failover's last grant before the switch.") { f($0.worstFailover?.lastGrantBeforeMs, 3) },
        Column("failover_first_grant_after_ms", "ms from window start", "Sentinel: the worst failover's first grant on the new primary.") { f($0.worstFailover?.firstGrantAfterMs, 3) },
        Column("failover_failed_acquires", "count", "Sentinel: acquisitions that ended without the lock inside failover windows, all failovers.") { r in i(r.failovers.map { $0.reduce(0) { $0 + $1.failedAcquisitions } }) },
        Column("failover_errors", "count", "Sentinel: errors (transport, `READONLY`) inside failover windows, all failovers.") { r in i(r.failovers.map { $0.reduce(0) { $0 + $1.errors } }) },
        Column("failover_double_grants", "count", "Sentinel: double grants the witness saw from a switch on (a holder from the old primary still valid when the new one granted the key).") { r in i(r.failovers.map { $0.reduce(0) { $0 + $1.doubleGrants } }) },
        Column("failover_old_primary_grants", "count", "Sentinel: grants the old primary still made after the switch was heard of, before it died or was demoted.") { r in i(r.failovers.map { $0.reduce(0) { $0 + $1.oldPrimaryGrants } }) },
    ]

    /// Columns added with sharded runs (`--shard I/N`): the shard and clock columns are empty for a run
    /// on one process; `grants_total`, which a merge is checked against the server by, is every run's.
    private static let sharding: [Column] = [
        Column("shard", "index", "`--shard I/N`: this row's shard I, 0-based (as JOB_COMPLETION_INDEX). Empty for an unsharded run.") { i($0.scenario.shard?.index) },
        Column("shards", "count", "`--shard I/N`: the run's shard count N; the shards of one run share run_id. Empty for an unsharded run.") { i($0.scenario.shard?.count) },
        Column("clock_offset_us", "µs", "`--shard`: the server's clock minus this shard's wall clock, from the TIME round trip with the smallest RTT at the start barrier.") { f($0.clockOffset?.offsetUs, 1) },
        Column("clock_offset_uncertainty_us", "µs", "`--shard`: half that round trip: the true offset lies within clock_offset_us ± this.") { f($0.clockOffset?.uncertaintyUs, 1) },
        Column("grants_total", "count", "Every grant of the run, warm-up and drain included (`acquisitions` counts the window's): for `setnx-px` on one server, the server's own count of successful `SET NX` on the run's lock keys; a merge sums the shards'.") { i($0.measurements.grantsTotal) },
    ]

    private static let keyPopularity: [Column] = [
        Column("key_dist", "", "Which key each acquisition locked (--key-dist): `fixed` (contender i always key i mod keys), `uniform`, `zipf:θ`, or `hotspot:P%/Q%` (P% of the keys expected to get Q% of the acquisitions).") { $0.scenario.keyDist.description },
        Column("hot_key", "index", "The key granted most often in the window (empty with no grant); every key's count is in --keys-csv.") { i($0.keyPopularity?.hottestKey) },
        Column("hot_key_grants_pct", "% of grants", "The hottest key's share of the window's grants.") { f($0.keyPopularity?.hottestShare.map { $0 * 100 }, 3) },
        Column("hot_key_expected_pct", "% of grants", "The share the key distribution expects of that key (for `fixed`: its share of the contenders).") { f($0.keyPopularity?.hottestExpectedShare.map { $0 * 100 }, 3) },
    ]

    /// The per-key CSV (`--keys-csv`): one row per key per client.
    public static let keys: [CSVColumn<KeyRow>] = [
        CSVColumn("run_id", "", "Run id (joins with the summary CSV).") { $0.result.identity.runID },
        CSVColumn("client", "", "`native` or `hiredis`.") { $0.result.scenario.client.rawValue },
        CSVColumn("key_dist", "", "The run's --key-dist.") { $0.result.scenario.keyDist.description },
        CSVColumn("key", "index", "Key index, 0-based (key 0 is the hottest under zipf, and the hot set starts at 0 under hotspot).") { i($0.key) },
        CSVColumn("grants", "count", "Acquisitions granted on the key in the window.") { i($0.popularity.grantsByKey[$0.key]) },
        CSVColumn("grants_pct", "% of grants", "The key's share of the window's grants (empty with no grant).") { r in
            let total = r.popularity.grants
            return total > 0 ? f(Double(r.popularity.grantsByKey[r.key]) * 100 / Double(total), 4) : ""
        },
        CSVColumn("expected_pct", "% of grants", "The share the key distribution expects of the key.") { r in
            f(r.key < r.popularity.expectedShares.count ? r.popularity.expectedShares[r.key] * 100 : nil, 4)
        },
    ]

    /// The per-contender CSV (`--contenders-csv`): one row per contender per client.
    public static let contenders: [CSVColumn<ContenderRow>] = [
        CSVColumn("run_id", "", "Run id (joins with the summary CSV).") { $0.result.identity.runID },
        CSVColumn("client", "", "`native` or `hiredis`.") { $0.result.scenario.client.rawValue },
        CSVColumn("contender", "index", "Contender index, 0-based, among all contenders of the run (a shard's rows carry its slice's global indices).") { i($0.globalIndex) },
        CSVColumn("key", "index", "Index of the key it contended for (contender mod keys); empty when --key-dist drew a key per acquisition (see --keys-csv).") { r in
            guard !r.result.scenario.keyDist.drawsPerAcquisition else { return "" }
            return i(r.result.scenario.keys > 0 ? r.globalIndex % r.result.scenario.keys : 0)
        },
        CSVColumn("grants", "count", "Acquisitions it was granted in the window.") { r in i(r.raw.grants[safe: r.contender]) },
        CSVColumn("failed", "count", "Acquisitions it ended without the lock.") { r in i(r.raw.failedByContender[safe: r.contender]) },
        CSVColumn("attempts", "count", "Attempts it made (granted and failed acquisitions).") { r in i(r.raw.attemptsByContender[safe: r.contender]) },
        CSVColumn("acquire_mean_us", "µs", "Its mean acquire latency (empty with no grants).") { r in
            guard let grants = r.raw.grants[safe: r.contender], grants > 0,
                  let total = r.raw.acquireNanosByContender[safe: r.contender] else { return "" }
            return f(Double(total) / Double(grants) / 1_000, 3)
        },
    ]

    /// The timeline CSV (`--timeseries-csv`): one row per second of the window per client.
    public static let timeseries: [CSVColumn<TimeseriesRow>] = [
        CSVColumn("run_id", "", "Run id (joins with the summary CSV).") { $0.result.identity.runID },
        CSVColumn("client", "", "`native` or `hiredis`.") { $0.result.scenario.client.rawValue },
        CSVColumn("second", "s", "Seconds since the window started (events counted when they completed).") { i($0.second.second) },
        CSVColumn("acquisitions", "count", "Acquisitions granted in this second.") { i($0.second.acquisitions) },
        CSVColumn("failed", "count", "Acquisitions that ended without the lock in this second.") { i($0.second.failed) },
        CSVColumn("errors", "count", "Errors in this second.") { i($0.second.errors) },
        CSVColumn("acquire_p99_us", "µs", "Acquire latency, 99th percentile, from a coarse per-second sketch (at most 12.5% high).") { f($0.second.acquireP99Us, 3) },
        CSVColumn("acquire_max_us", "µs", "Slowest acquisition granted in this second.") { f($0.second.acquireMaxUs, 3) },
    ]

    /// The summary CSV's schema as a Markdown table (column, unit, meaning), for the README.
    public static func markdownTable() -> String { summary.csvMarkdownTable() }
}

/// One contender of one result: a row of the per-contender CSV.
public struct ContenderRow: Sendable {
    /// The run it belongs to.
    public var result: RunResult
    /// Its index in the recorder: among the contenders this process ran.
    public var contender: Int
    var raw: QueueRecorder { result.measurements.raw }
    /// Its index among all contenders of the run: a shard's slice starts past the others'.
    public var globalIndex: Int { contender + result.scenario.localContenders.lowerBound }
}

/// One key of one result: a row of the per-key CSV.
public struct KeyRow: Sendable {
    /// The run it belongs to.
    public var result: RunResult
    /// Its grants and expected shares (computed once per result, not per row).
    public var popularity: KeyPopularity
    /// Its index.
    public var key: Int
}

/// One second of one result: a row of the timeline CSV.
public struct TimeseriesRow: Sendable {
    /// The run it belongs to.
    public var result: RunResult
    /// The second's figures.
    public var second: PerSecondSeries.Second
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
