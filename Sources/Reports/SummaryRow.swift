import LoadDriver

/// One row of the summary CSV as text cells by column name: what `bench report` and `bench sweep` read,
/// whether the row came from a CSV file (any lockbench version: cells are found by name, not position)
/// or from a `RunResult` in memory or in a JSON file (turned into the same cells by `CSVSchema.summary`,
/// so both sources print identically).
public struct SummaryRow: Sendable, Hashable {
    /// Cells by column name.
    public var cells: [String: String]

    /// A row from column names and their cells.
    public init(cells: [String: String]) {
        self.cells = cells
    }

    /// The row `--csv` would write for `result`.
    public init(_ result: RunResult) {
        cells = Dictionary(uniqueKeysWithValues: zip(CSVWriter.header, CSVWriter.row(result)))
    }

    /// The cell of `column`, `""` when the row has no such column or it is empty; for a scenario column
    /// appended later, a row written before it existed reads as the value it ran with.
    public subscript(_ column: String) -> String {
        if let cell = cells[column], !cell.isEmpty { return cell }
        return Self.absentScenarioCells[column] ?? ""
    }

    /// The cell of `column` as a number, or `nil` when it is empty or not a finite number.
    public func number(_ column: String) -> Double? {
        guard let value = Double(self[column]), value.isFinite else { return nil }
        return value
    }

    /// The scenario columns, in schema order: the summary columns from `client` up to the first
    /// measurement (`window_s`). Sliced from `CSVSchema.summary` so a scenario column added there is
    /// picked up here without a second list to keep in step.
    /// `CSVSchema.appendedScenarioColumns` follow.
    public static let scenarioColumns: [String] = {
        let header = CSVWriter.header
        guard let first = header.firstIndex(of: "client"), let end = header.firstIndex(of: "window_s"), first < end else {
            return []
        }
        return Array(header[first..<end]) + CSVSchema.appendedScenarioColumns.map(\.name)
    }()

    private static let absentScenarioCells = Dictionary(uniqueKeysWithValues: CSVSchema.appendedScenarioColumns.map { ($0.name, $0.absent) })

    /// Scenario columns that differ between runs of the same cell and so never identify it: where the
    /// servers listened (an embedded fleet picks free ports each time), the seed (a sweep draws one
    /// per run so repeats are independent samples), and the reply wait, which `auto` derives from the
    /// connection layout and so changes along a curve whose keys scale with its contenders.
    public static let incidentalColumns: Set<String> = ["endpoints", "seed", "reply_wait_us"]

    /// Identifies the cell the row measured: every scenario column except the incidental ones, as
    /// `name=value` pairs. Two rows with the same key are repeats of one cell.
    public var scenarioKey: String {
        Self.scenarioColumns.filter { !Self.incidentalColumns.contains($0) }.map { "\($0)=\(self[$0])" }.joined(separator: "\u{1F}")
    }

    public var runID: String { self["run_id"] }
    /// The host that ran it.
    public var host: String { self["host"] }
    /// `native` or `hiredis`.
    public var client: String { self["client"] }
    public var algorithm: String { self["algorithm"] }
    /// The wait strategy.
    public var wait: String { self["wait"] }
    /// `algorithm/wait`, e.g. `setnx-px/backoff`.
    public var strategy: String { "\(algorithm)/\(wait)" }

    /// Open loop (a `rate` ladder): load is the arrival rate; closed loop: load is the contender count.
    public var loadAxis: LoadAxis { self["mode"] == "open" ? .rate : .contenders }

    /// The load the row ran at, on its `loadAxis`.
    public var load: Double? { number(loadAxis.column) }

    /// The p99 acquire latency the knee is judged on, µs. Open loop uses the figure measured from each
    /// request's intended start: the raw one hides the queueing delay a saturated server causes
    /// (coordinated omission), which is exactly what a knee is about.
    public var kneeP99Us: Double? {
        if loadAxis == .rate, let corrected = number("acquire_co_p99_us") { return corrected }
        return number("acquire_p99_us")
    }

    /// (failed acquisitions + errors) per acquisition started (granted or failed); 1 when nothing was
    /// started at all, because a cell in which nothing happened has not passed anything.
    public var errorRate: Double {
        let granted = number("acquisitions") ?? 0
        let failed = number("failed_acquires") ?? 0
        let errors = number("errors") ?? 0
        let started = granted + failed
        guard started > 0 else { return 1 }
        return (failed + errors) / started
    }

    /// Whether the row covers its whole window without error: partial rows (Ctrl-C, a dead server) are
    /// kept in the files but left out of medians, knees and `--resume` counts.
    public var isComplete: Bool { self["partial"] != "true" && self["error"].isEmpty }
}

/// What a sweep's load means: contenders in closed loop, arrivals per second in open loop.
public enum LoadAxis: String, Sendable, Hashable, CaseIterable {
    /// Closed loop: concurrent contenders.
    case contenders
    /// Open loop: acquisitions started per second.
    case rate

    /// The summary column holding the load.
    public var column: String { rawValue }

    /// The axis label with its unit.
    public var label: String {
        switch self {
        case .contenders: return "contenders"
        case .rate: return "arrival rate (acquisitions/s)"
        }
    }

    /// A load on this axis in words: `1,000 contenders`, or `500/s` in open loop.
    public func text(_ load: Double) -> String {
        self == .rate ? "\(HumanUnits.load(load))/s" : "\(HumanUnits.load(load)) contenders"
    }
}
