import BenchMetrics
import Harness
import LoadDriver
import RedisConnection
import Reports

/// A cell that will run.
public struct PlannedCell: Sendable {
    /// Its position among the runnable cells.
    public var index: Int
    /// Its coordinates.
    public var values: SweepCellValues
    /// For progress lines.
    public var label: String
    /// What it runs (one client). Its seed is replaced per run, so repeats are independent samples.
    public var scenario: Scenario

    /// The cell's identity as summary rows carry it (`SummaryRow.scenarioKey`): how `--resume` finds
    /// runs of this cell already in the CSV. Endpoints and seed are not part of it, so a resumed sweep
    /// on a new embedded fleet with fresh seeds still matches.
    public var key: String {
        let placeholder = RunIdentity(runID: "", time: "", gitSHA: "", host: "", cores: 0, os: "", swiftVersion: "", redisVersion: "")
        let empty = Measurements(raw: QueueRecorder(contenders: 0, windowStartNanos: 0), windowS: 0)
        let servers = Array(repeating: Endpoint.unix(path: "-"), count: scenario.deployment.serverCount)
        return SummaryRow(RunResult(identity: placeholder, scenario: scenario, endpoints: servers, measurements: empty)).scenarioKey
    }
}

/// A combination the grid produced that cannot run, and why (e.g. redlock × fifo).
public struct SkippedCell: Sendable {
    /// The cell's label.
    public var label: String
    /// The validation's message.
    public var reason: String
}

/// The grid turned into runnable cells.
///
/// Policy for invalid combinations: a cell the scenario validation refuses is **skipped with a note**
/// (redlock has no fifo wait, 40 keys cannot serve 10 contenders), because a grid is a product and
/// some products make no sense. A value that fails in **every** cell it appears in is refused outright
/// (exit 64), since no cell could use it: that is a typo or a bad value, not a combination; except a
/// client that `both` stood for (hiredis in a TLS-only grid), which is skipped with the note too.
public struct SweepPlan: Sendable {
    /// Cells that will run, in grid order.
    public var cells: [PlannedCell]
    /// Cells left out, in grid order.
    public var skipped: [SkippedCell]

    /// Builds and validates every cell of `grid` from `base` (the settings every cell shares), on
    /// `defaultClient` where the grid has no client axis.
    public static func make(grid: SweepGrid, base: ScenarioSettings, defaultClient: RedisClientKind = .native) throws(SweepGridError) -> SweepPlan {
        let shown = grid.varying + [.contenders, .rate].filter { grid.axes[$0] != nil && !grid.varying.contains($0) }
        var cells: [PlannedCell] = []
        var skipped: [SkippedCell] = []
        var failures: [(SweepCellValues, String)] = []
        try SweepStorePairs.checkPartners(grid, base: base)
        for values in grid.cells where !SweepStorePairs.isMismatch(values, base: base) {
            let label = values.label(showing: shown)
            do {
                let (settings, client) = try values.settings(base: base)
                let scenario = try settings.scenario(client: client ?? defaultClient)
                cells.append(PlannedCell(index: cells.count, values: values, label: label, scenario: scenario))
            } catch {
                let message = "\(error)"
                skipped.append(SkippedCell(label: label, reason: message))
                failures.append((values, message))
            }
        }
        if cells.isEmpty, let first = failures.first {
            // One reason for every cell: a base flag or a single-valued axis is wrong; say just that.
            if failures.allSatisfy({ $0.1 == first.1 }) { throw SweepGridError(first.1) }
        }
        for axis in SweepAxis.nesting {
            // `both` names whichever clients can run: one that none can is a note, not a typo.
            if axis == .client && grid.clientsFromBoth && !cells.isEmpty { continue }
            for value in grid.axes[axis] ?? [] {
                let containing = grid.cells.filter { $0.values[axis] == value && !SweepStorePairs.isMismatch($0, base: base) }
                let failed = failures.filter { $0.0.values[axis] == value }
                if !containing.isEmpty && failed.count == containing.count {
                    let reason = failed[0].1
                    // The validation usually names the flag and value itself; then its words suffice.
                    if reason.contains("\(axis.flag) '\(value)'") { throw SweepGridError(reason) }
                    throw SweepGridError("\(axis.flag) '\(value)' cannot be used in any cell of this grid: \(reason)")
                }
            }
        }
        return SweepPlan(cells: cells, skipped: skipped)
    }

    /// Redis servers the embedded fleet needs: the most any cell uses (0 when every cell names its
    /// servers or runs on a consensus store, whose members are started per shape).
    public var embeddedServers: Int {
        cells.filter { $0.scenario.deployment.isEmbedded && $0.scenario.deployment.store == .redis }.map(\.scenario.deployment.serverCount).max() ?? 0
    }
}
