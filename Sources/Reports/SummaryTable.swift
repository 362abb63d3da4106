import BenchMetrics
import LoadDriver
import Locks
import Stats

/// The table printed at the end of `bench run`: one column per client (and their ratio when there are
/// two), rows grouped by question (throughput, latency, fairness, Redlock budget, safety, cost), units
/// in the labels. Plain text: no colour, so it reads the same in a terminal, a CI log and a file.
public enum SummaryTable {
    /// Which rows of a two-client table get a ratio.
    public enum Ratios: Sendable {
        /// Every row where a/b means something.
        case all
        /// Only the clients' own cost, client CPU per command sent: from one round of a contended
        /// scenario, throughput, latency and even CPU per acquisition (retries included) mostly say
        /// who won the races.
        case clientCost
        /// No ratio column: the caller prints the ratios with their spread over rounds instead.
        case none
    }

    struct Row {
        var label: String
        var value: (RunResult) -> Double?
        var format: (Double) -> String
        /// Whether a/b means something here (it does for rates, latencies and costs; not for counts of
        /// rare events, where 0/0 and 3/1 say nothing useful).
        var ratio: Bool
        /// A figure of the client's own work, whatever the races did.
        var clientCost = false
    }

    static func row(_ label: String, ratio: Bool = true, format: @escaping (Double) -> String = NumberText.micros, _ value: @escaping (RunResult) -> Double?) -> Row {
        Row(label: label, value: value, format: format, ratio: ratio)
    }

    private static func costRow(_ label: String, _ value: @escaping (RunResult) -> Double?) -> Row {
        Row(label: label, value: value, format: NumberText.micros, ratio: true, clientCost: true)
    }

    static func count(_ x: Double) -> String { NumberText.grouped(x) }

    private static func sections(for results: [RunResult]) -> [[Row]] {
        let anyRedlock = results.contains { $0.scenario.lock.algorithm == .redlock }
        let anyOpen = results.contains { $0.measurements.acquireCorrected != nil }
        let anyFIFO = results.contains { $0.scenario.lock.wait.kind == .fifo }
        let anyExtend = results.contains { $0.measurements.extend != nil }
        let anyWatchdog = results.contains { $0.measurements.watchdog != nil }

        var latency: [Row] = [
            row("acquire p50 (µs)") { $0.measurements.acquire?.p50Us },
            row("acquire p99 (µs)") { $0.measurements.acquire?.p99Us },
            row("acquire p99.9 (µs)") { $0.measurements.acquire?.p999Us },
            row("acquire max (µs)") { $0.measurements.acquire?.maxUs },
        ]
        if anyOpen {
            latency += [
                row("acquire p99 from intended start (µs)") { $0.measurements.acquireCorrected?.p99Us },
                row("acquire p99.9 from intended start (µs)") { $0.measurements.acquireCorrected?.p999Us },
                row("arrivals that waited for a contender", ratio: false, format: count) { $0.measurements.harness.map { Double($0.arrivalsWaited) } },
            ]
        }
        latency += [
            row("attempts/acquisition (mean)", format: { NumberText.fixed($0, 2) }) { $0.measurements.attempts?.mean },
            row("handoff p50 (µs)") { $0.measurements.handoff?.p50Us },
            row("handoff p99 (µs)") { $0.measurements.handoff?.p99Us },
            row("release p99 (µs)") { $0.measurements.release?.p99Us },
        ]
        if anyExtend { latency.append(row("extend p99 (µs)") { $0.measurements.extend?.p99Us }) }
        if results.contains(where: { $0.storeLiveness != nil }) { latency += storeLivenessRows }
        if anyWatchdog {
            latency += [
                row("watchdog renewal lateness p99 (µs)") { $0.measurements.watchdog?.lateness?.p99Us },
                row("watchdog failed renewals", ratio: false, format: count) { $0.measurements.watchdog.map { Double($0.failures) } },
            ]
        }

        var fairness: [Row] = [
            row("Jain fairness index (0-1)", ratio: false, format: { NumberText.fixed($0, 4) }) { $0.measurements.fairness.jain },
            row("grants per contender, min", ratio: false, format: count) { Double($0.measurements.fairness.min) },
            row("grants per contender, max", ratio: false, format: count) { Double($0.measurements.fairness.max) },
            row("starved contenders (0 grants)", ratio: false, format: count) { Double($0.measurements.fairness.starved) },
        ]
        if anyFIFO {
            fairness.append(row("FIFO inversions", ratio: false, format: count) { Double($0.measurements.fifoInversions) })
        }

        var sections: [[Row]] = [
            [
                row("acquisitions/s", format: { NumberText.grouped($0, places: 1) }) { $0.measurements.acquisitionsPerSecond },
                row("acquisitions", format: count) { Double($0.measurements.acquisitions) },
                row("grants in the run (warm-up, drain)", ratio: false, format: count) { $0.measurements.grantsTotal.map(Double.init) },
                row("failed acquisitions", ratio: false, format: count) { Double($0.measurements.failedAcquires) },
                row("errors", ratio: false, format: count) { Double($0.measurements.errors) },
            ],
            latency,
            fairness,
        ]
        if anyRedlock {
            sections.append([
                row("Redlock elapsed/TTL p99 (%)", format: { NumberText.fixed($0, 2) }) { $0.measurements.redlock?.elapsedTTLP99Pct },
                row("Redlock elapsed/TTL max (%)", format: { NumberText.fixed($0, 2) }) { $0.measurements.redlock?.elapsedTTLMaxPct },
                row("validity left, min (ms)", ratio: false, format: { NumberText.fixed($0, 2) }) { $0.measurements.redlock?.validityMinMs },
                row("TTL overruns", ratio: false, format: count) { $0.measurements.redlock.map { Double($0.overruns) } },
                row("split votes", ratio: false, format: count) { $0.measurements.redlock.map { Double($0.splitVotes) } },
            ])
        }
        if results.contains(where: { $0.failovers != nil }) { sections.append(failoverRows) }
        if results.contains(where: { $0.cluster != nil }) { sections.append(clusterRows(results)) }
        sections.append([
            row("mutex overlaps (witness)", ratio: false, format: count) { Double($0.measurements.safety.mutexOverlaps) },
            row("stale writes rejected (fencing)", ratio: false, format: count) { Double($0.measurements.safety.staleWritesRejected) },
            row("wrong-owner deletes", ratio: false, format: count) { Double($0.measurements.safety.wrongOwnerDeletes) },
            row("double grants", ratio: false, format: count) { Double($0.measurements.safety.doubleGrants) },
        ])
        sections.append([
            row("server commands/acquisition", format: { NumberText.fixed($0, 2) }) { $0.measurements.cost.serverCommandsPerAcquisition },
            row("client commands sent/acquisition", format: { NumberText.fixed($0, 2) }) { $0.measurements.cost.clientCommandsPerAcquisition },
            row("server CPU/acquisition (µs)") { $0.measurements.cost.serverCPUPerAcquisitionUs },
            row("client CPU/acquisition (µs)") { $0.measurements.cost.clientCPUPerAcquisitionUs },
            costRow("client CPU/command sent (µs)") { $0.measurements.cost.clientCPUPerCommandUs },
            row("server CPU (% of one core)", format: { NumberText.fixed($0, 1) }) { $0.measurements.cost.serverCPUPercent },
            row("client CPU (% of one core)", format: { NumberText.fixed($0, 1) }) { $0.measurements.cost.client?.cpuPercent },
            row("peak RSS (MiB)", format: { NumberText.fixed($0, 1) }) { $0.measurements.cost.client?.peakRSSMB },
            row("threads (peak)", format: count) { $0.measurements.cost.client.map { Double($0.peakThreads) } },
            row("driver timers late p99 (µs)", ratio: false) { $0.measurements.harness?.timerLateP99Us },
            row("hold stretch (actual/requested)", ratio: false, format: { NumberText.fixed($0, 2) }) { $0.measurements.harness?.holdStretch },
        ])
        return sections
    }

    /// Redirects and retries by kind, then each shard's grants/s and server CPU: where a hot shard shows.
    private static func clusterRows(_ results: [RunResult]) -> [Row] {
        var rows: [Row] = [
            row("cluster MOVED redirects", ratio: false, format: count) { $0.cluster.map { Double($0.moved) } },
            row("cluster ASK redirects", ratio: false, format: count) { $0.cluster.map { Double($0.ask) } },
            row("cluster TRYAGAIN retries", ratio: false, format: count) { $0.cluster.map { Double($0.tryAgain) } },
            row("cluster CLUSTERDOWN retries", ratio: false, format: count) { $0.cluster.map { Double($0.clusterDown) } },
            row("CROSSSLOT refused (key-naming bug)", ratio: false, format: count) { $0.cluster.map { Double($0.crossSlot) } },
        ]
        let shards = results.compactMap { $0.cluster?.shards.count }.max() ?? 0
        for s in 0..<shards {
            rows.append(row("shard \(s) grants/s", format: { NumberText.grouped($0, places: 1) }) { r in
                r.cluster.flatMap { s < $0.shards.count ? $0.shards[s].grantsPerSecond : nil }
            })
            rows.append(row("shard \(s) server CPU (% of one core)", format: { NumberText.fixed($0, 1) }) { r in
                r.cluster.flatMap { s < $0.shards.count ? $0.shards[s].serverCPUPercent : nil }
            })
        }
        rows.append(row("hot shard's share of grants (%)", ratio: false, format: { NumberText.fixed($0, 1) }) { $0.cluster?.hotShardShare.map { $0 * 100 } })
        return rows
    }

    /// The table for `results` (usually one, or two for `--client both`), with the scenario header
    /// above it and a PARTIAL or ERROR banner when a run did not finish.
    public static func render(_ results: [RunResult], ratios: Ratios = .all) -> String {
        guard let first = results.first else { return "no results\n" }
        var out = header(first) + "\n"
        for result in results where result.partial || result.error != nil {
            out += banner(result) + "\n"
        }
        for result in results {
            if let line = clientBoundLine(result) { out += line + "\n" }
        }
        for result in results {
            if let line = hottestKeyLine(result) { out += line + "\n" }
        }
        out += "\n"

        let showRatio = ratios != .none && results.count == 2 && results[0].scenario.client != results[1].scenario.client
        var columns = results.map(columnName)
        if showRatio { columns.append("\(columns[0])/\(columns[1])") }

        var lines: [[String]] = [[""] + columns]
        var separators: Set<Int> = []
        for (index, section) in sections(for: results).enumerated() {
            if index > 0 { separators.insert(lines.count) }
            for row in section {
                var cells = [row.label]
                let values = results.map(row.value)
                cells += values.map { $0.map(row.format) ?? "-" }
                if showRatio {
                    let shown = row.ratio && (ratios == .all || row.clientCost)
                    let ratio = shown ? Statistics.ratio(values[0], values[1]) : nil
                    cells.append(ratio.map { NumberText.fixed($0, 2) + "x" } ?? "")
                }
                lines.append(cells)
            }
        }

        let widths = (0..<lines[0].count).map { c in lines.map { $0[c].count }.max() ?? 0 }
        for (n, cells) in lines.enumerated() {
            if separators.contains(n) { out += "\n" }
            var line = pad(cells[0], widths[0], left: true)
            for c in 1..<cells.count { line += "  " + pad(cells[c], widths[c], left: false) }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        if showRatio {
            out += "\n\(columns[2]): above 1 means \(columns[0]) is higher; better for throughput, worse for latency and cost.\n"
            if ratios == .clientCost {
                out += "Only the clients' own cost (CPU per command sent) gets a ratio: in a round or two, who wins each race decides throughput and latency more than the client does. With --rounds 3 or more, every ratio comes with its range over interleaved rounds.\n"
            }
        }
        return out
    }

    /// Two lines: the run and lock, then the load.
    static func header(_ r: RunResult) -> String {
        let s = r.scenario
        let lock = s.lock
        let params = lock.wait.parameters
        var first = "lockbench run \(r.identity.runID): \(lock.algorithm) / \(lock.wait.kind)"
        if !params.isEmpty { first += " (\(params))" }
        first += ", ttl \(lock.ttlMs) ms"
        if lock.algorithm == .redlock {
            first += ", \(lock.redlock.nodes) masters, drift \(lock.redlock.driftFactor)·ttl + \(NumberText.fixed(lock.redlock.driftFixedMs, 1)) ms"
        }
        let version = r.identity.redisVersion
        if s.deployment.store == .redis { first += "; redis \(version)" } else {
            first += "; \(s.deployment.topologyName)" + (version == "unknown" ? "" : " \(version)")
        }
        first += ", git \(r.identity.gitSHA)"

        var servers = "\(r.endpoints.count) server\(r.endpoints.count == 1 ? "" : "s")\(s.deployment.isEmbedded ? " (embedded)" : "")"
        if case .cluster = s.deployment { servers = "\(s.deployment.topologyName): \(r.endpoints.count) primaries" + (s.deployment.isEmbedded ? " (embedded)" : "") }
        if case .sentinel = s.deployment { servers += ", the primary of \(s.deployment.topologyName) found through Sentinel" }
        if s.deployment.store != .redis {
            let member = s.deployment.store == .etcd ? "etcd member" : "ZooKeeper server"
            servers = "\(r.endpoints.count) \(member)\(r.endpoints.count == 1 ? "" : "s")\(s.deployment.isEmbedded ? " (embedded)" : ""), \(s.connections) session\(s.connections == 1 ? "" : "s")"
        }
        if let tls = s.connection.tls { servers += tls.insecure ? " over TLS, NOT VERIFIED (--tls-insecure)" : " over TLS" }
        var load = "\(s.contenders) contenders on \(s.keys) key\(s.keys == 1 ? "" : "s")"
        if s.keyDist.drawsPerAcquisition { load += " drawn \(s.keyDist) per acquisition" }
        load += ", \(s.connections) connection\(s.connections == 1 ? "" : "s")"
        load += s.pipeline > 0 ? " × pipeline \(s.pipeline)" : " (pipeline unlimited)"
        if s.effectiveReplyWaitUs > 0 { load += ", reply wait \(TimeDistribution.fixed(us: s.effectiveReplyWaitUs))" }
        load += ", hold \(s.hold), think \(s.think), \(s.mode)"
        load += ", \(NumberText.fixed(s.durationS, s.durationS.rounded() == s.durationS ? 0 : 1)) s window after \(NumberText.fixed(s.warmupS, s.warmupS.rounded() == s.warmupS ? 0 : 1)) s warm-up"
        load += ", \(servers)"
        return first + "\n" + load
    }

    static func banner(_ r: RunResult) -> String {
        var parts: [String] = []
        if r.partial {
            var text = "PARTIAL (\(r.scenario.client))"
            if let reason = r.partialReason { text += ": \(reason)" }
            text += "; figures cover \(NumberText.fixed(r.measurements.windowS, 1)) s of the planned \(NumberText.fixed(r.scenario.durationS, 1)) s"
            parts.append("!! " + text)
        }
        if let error = r.error { parts.append("!! ERROR (\(r.scenario.client)): \(error)") }
        return parts.joined(separator: "\n")
    }

    /// Said above the table, not in it: when the harness was the limit, every figure below describes
    /// lockbench rather than Redis.
    static func clientBoundLine(_ r: RunResult) -> String? {
        guard let harness = r.measurements.harness, harness.clientBound else { return nil }
        return "!! CLIENT-BOUND (\(r.scenario.client)): \(harness.reason ?? "the harness limited the run"); figures describe lockbench, not Redis"
    }

    /// With drawn keys, the hottest key against its expected share: where a hot key (or shard) shows.
    static func hottestKeyLine(_ r: RunResult) -> String? {
        guard r.scenario.keyDist.drawsPerAcquisition, let popularity = r.keyPopularity, let key = popularity.hottestKey,
              let share = popularity.hottestShare else { return nil }
        var line = "hottest key (\(r.scenario.client)): key \(key), \(NumberText.fixed(share * 100, 1))% of grants"
        if let expected = popularity.hottestExpectedShare { line += " (expected \(NumberText.fixed(expected * 100, 1))% under \(r.scenario.keyDist))" }
        line += "; \(popularity.keysGranted) of \(popularity.grantsByKey.count) keys granted"
        return line
    }

    private static func pad(_ s: String, _ width: Int, left: Bool) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return left ? s + fill : fill + s
    }
}
