import Stats

/// Every run of one cell (one scenario) and the medians over its complete repeats: a sweep repeats each
/// cell, and on a shared machine one run proves little (runs of the same binary differ widely), so
/// plots, tables and the knee use the median and show the repeats beside it.
public struct CellFigures: Sendable {
    /// The cell's identity (`SummaryRow.scenarioKey`, plus the host when rows come from several).
    public var key: String
    /// Every run of the cell, partial ones included, in input order.
    public var rows: [SummaryRow]

    /// A cell of these runs.
    public init(key: String, rows: [SummaryRow]) {
        self.key = key
        self.rows = rows
    }

    /// The runs that covered their whole window without error.
    public var complete: [SummaryRow] { rows.filter(\.isComplete) }

    /// Complete repeats.
    public var repeats: Int { complete.count }

    /// The load (the same in every run of the cell).
    public var load: Double? { rows.first?.load }

    /// The median of `column` over complete repeats; `nil` when none has it.
    public func median(_ column: String) -> Double? {
        Statistics.median(complete.compactMap { $0.number(column) })
    }

    /// The median over complete repeats of the p99 the knee is judged on (see `SummaryRow.kneeP99Us`).
    public var kneeP99Us: Double? { Statistics.median(complete.compactMap(\.kneeP99Us)) }

    /// The median error rate over complete repeats; `nil` without one.
    public var errorRate: Double? { Statistics.median(complete.map(\.errorRate)) }

    /// The complete run with the median throughput (the lower middle for an even count), else the first
    /// run: the one whose histograms and per-contender grants stand for the cell in plots, as `bench run
    /// --rounds` reports its median round.
    public var representative: SummaryRow? {
        Statistics.medianElement(complete) { $0.number("acquisitions_per_s") ?? 0 } ?? rows.first
    }
}

