import LoadDriver
import Reports

/// The scenario key of a result's summary row.
enum SummaryRowKey {
    static func of(_ result: RunResult) -> String { SummaryRow(result).scenarioKey }
}
