/// What a plan run (or `bench run --threshold`) concluded: each threshold's measured value and verdict,
/// and the scenarios that could not be measured. The k6-style exit status is derived here, once.
public struct ThresholdReport: Sendable, Codable {
    /// Lines on what ran: the plan, the servers, the build.
    public var context: [String]
    public var checks: [ThresholdCheck]
    /// Scenarios with no figures, and why (a server unreachable, the handshake refused).
    public var unmeasured: [Unmeasured]

    public struct Unmeasured: Sendable, Codable, Hashable {
        public var scenario: String
        public var reason: String
    }

    public init(context: [String], checks: [ThresholdCheck], unmeasured: [Unmeasured] = []) {
        self.context = context
        self.checks = checks
        self.unmeasured = unmeasured
    }

    /// 0 every threshold held; 1 a threshold failed (even if another scenario could not be measured:
    /// a failure seen is the verdict); 2 nothing failed but something could not be measured.
    public var exitStatus: Int32 {
        if checks.contains(where: { $0.verdict == .fail }) { return 1 }
        return unmeasured.isEmpty && !checks.isEmpty ? 0 : 2
    }

    /// `PASS`, `FAIL` or `NOT MEASURED`, with counts.
    public var summary: String {
        let failed = checks.filter { $0.verdict == .fail }.count
        let word = ["PASS", "FAIL", "NOT MEASURED"][Int(exitStatus)]
        var text = "\(word): \(failed) of \(checks.count) thresholds failed"
        if !unmeasured.isEmpty { text += ", \(unmeasured.count) scenario\(unmeasured.count == 1 ? "" : "s") not measured" }
        return text
    }

    static let header = ["scenario", "client", "threshold", "measured", "verdict"]

    func cells() -> [[String]] {
        checks.map { [$0.scenario, $0.client, $0.threshold, $0.measured, $0.verdict.word] }
            + unmeasured.map { [$0.scenario, "-", "(not measured)", "-", "ERROR"] }
    }

    /// The plain-text report for the terminal and CI logs.
    public func text() -> String {
        var lines = context
        lines.append("")
        lines += PlainTable.render(header: Self.header, rows: cells())
        for check in checks where check.verdict == .fail {
            lines.append("threshold failed: \(check.scenario) \(check.client): \(check.failureText)")
        }
        for miss in unmeasured { lines.append("not measured: \(miss.scenario): \(miss.reason)") }
        lines.append("")
        lines.append(summary)
        return lines.joined(separator: "\n") + "\n"
    }
}

extension ThresholdCheck {
    /// Why it failed, in one line: the threshold, what was measured, and the reason when there is one.
    public var failureText: String {
        "\(threshold): measured \(measured)" + (detail.map { "; \($0)" } ?? "")
    }
}
