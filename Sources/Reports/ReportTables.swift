import LoadDriver

/// The tables shared by the HTML report and the Markdown summary, as text cells.
public enum ReportTables {
    /// Where and with what the runs were made: (label, value) pairs, values joined when runs differ.
    public static func environment(_ model: ReportModel) -> [(String, String)] {
        let rows = model.data.rows
        func distinct(_ column: String) -> String {
            var seen: [String] = []
            for row in rows where !row[column].isEmpty && !seen.contains(row[column]) { seen.append(row[column]) }
            return seen.isEmpty ? "-" : seen.joined(separator: ", ")
        }
        var hosts: [String] = []
        for row in rows {
            let text = row.host + (row["cores"].isEmpty ? "" : " (\(row["cores"]) cores)")
            if !hosts.contains(text) { hosts.append(text) }
        }
        let times = rows.map { $0["time"] }.filter { !$0.isEmpty }.sorted()
        let complete = rows.filter(\.isComplete).count
        var runs = "\(rows.count) (\(complete) complete"
        if complete < rows.count { runs += ", \(rows.count - complete) partial or failed, left out of medians and knees" }
        runs += ")"
        var result: [(String, String)] = [
            ("hosts", hosts.isEmpty ? "-" : hosts.joined(separator: ", ")),
            ("os", distinct("os")),
            ("redis", distinct("redis_version")),
            ("git", distinct("git_sha")),
            ("swift", distinct("swift_version")),
            ("runs", runs),
        ]
        if let first = times.first, let last = times.last {
            result.append(("time", first == last ? first : "\(first) – \(last)"))
        }
        func seconds(_ column: String) -> String {
            var seen: [String] = []
            for row in rows {
                guard let value = row.number(column) else { continue }
                let text = HumanUnits.trimmed(NumberText.fixed(value, 3)) + " s"
                if !seen.contains(text) { seen.append(text) }
            }
            return seen.isEmpty ? "-" : seen.joined(separator: ", ")
        }
        result.append(("window", "\(seconds("duration_s")) after \(seconds("warmup_s")) warm-up"))
        result.append(("SLO", "p99 acquire ≤ \(HumanUnits.latency(model.criteria.sloUs)), errors ≤ \(HumanUnits.percent(model.criteria.maxErrorRate))"))
        return result
    }

    /// One line per cell: medians over complete repeats. With drawn keys (`--key-dist`) in any row, the
    /// hottest key's share of grants against the share its distribution expects.
    public static func cells(_ model: ReportModel) -> [[String]] {
        let drawnKeys = model.data.rows.contains { $0["key_dist"] != KeyDistribution.fixed.description }
        var lines = [["series", "load", "runs", "acq/s", "p50", "p99", "p99.9", "errors", "Jain", "starved", "server cmds/acq"]]
        if drawnKeys { lines[0] += ["hot key % (expected)"] }
        for series in model.series {
            for cell in series.cells {
                let runs = cell.repeats == cell.rows.count ? "\(cell.repeats)" : "\(cell.repeats) of \(cell.rows.count)"
                let prefix = series.loadAxis == .rate ? "acquire_co_" : "acquire_"
                func latency(_ suffix: String) -> String {
                    (cell.median(prefix + suffix) ?? cell.median("acquire_" + suffix)).map(HumanUnits.latency) ?? "-"
                }
                lines.append([
                    series.label,
                    cell.load.map(series.loadAxis.text) ?? "-",
                    runs,
                    cell.median("acquisitions_per_s").map { NumberText.grouped($0) } ?? "-",
                    latency("p50_us"), latency("p99_us"), latency("p999_us"),
                    cell.errorRate.map(HumanUnits.percent) ?? "-",
                    cell.median("jain").map { NumberText.fixed($0, 3) } ?? "-",
                    cell.median("starved").map { NumberText.grouped($0) } ?? "-",
                    cell.median("server_cmds_per_acquire").map { NumberText.fixed($0, 2) } ?? "-",
                ])
                if drawnKeys {
                    let hot = cell.median("hot_key_grants_pct").map { NumberText.fixed($0, 1) } ?? "-"
                    let expected = cell.median("hot_key_expected_pct").map { " (\(NumberText.fixed($0, 1)))" } ?? ""
                    lines[lines.count - 1].append(hot + expected)
                }
            }
        }
        return lines
    }

    /// The safety rows from `bench chaos`.
    public static func safety(_ rows: [SafetyRow]) -> [[String]] {
        var lines = [[
            "fault", "variant", "algorithm", "client", "trials", "grants", "overlaps", "stale rejected", "stale accepted",
            "wrong-owner deletes", "double grants", "failed", "unavailable", "predicted", "confirmed", "verdict",
        ]]
        for r in rows {
            lines.append([
                r.scenario, r.variant, r.algorithm, r.client, "\(r.trials)", NumberText.grouped(Double(r.acquisitions)), "\(r.overlaps)",
                "\(r.staleWritesRejected)", "\(r.staleWritesAccepted)", "\(r.wrongOwnerDeletes)", "\(r.doubleGrants)",
                "\(r.failedAcquisitions)", NumberText.grouped(r.unavailabilityMs) + " ms", r.predicted, r.confirmed ? "yes" : "NO", r.verdict,
            ])
        }
        return lines
    }
}
