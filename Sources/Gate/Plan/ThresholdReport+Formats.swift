import Reports

extension ThresholdReport {
    /// Markdown for a CI job summary or a pull-request comment: the verdict, then one row per threshold.
    public func markdown() -> String {
        let icon = ["✅", "❌", "⚠️"][Int(exitStatus)]
        var text = "## bench gate: \(icon) \(summary)\n\n"
        text += context.map { "- \($0)\n" }.joined()
        text += "\n" + TextTable.markdown([Self.header] + cells())
        let failures = checks.filter { $0.verdict == .fail }
        if !failures.isEmpty || !unmeasured.isEmpty {
            text += "\n"
            for check in failures { text += "- **\(check.scenario) \(check.client)**: \(check.failureText)\n" }
            for miss in unmeasured { text += "- **\(miss.scenario)** not measured: \(miss.reason)\n" }
        }
        return text
    }

    /// JUnit XML: a suite per scenario, a test case per threshold and client, so CI lists each failed
    /// threshold by name; an unmeasured scenario is a case with an error.
    public func junit() -> String {
        var suites: [(String, [JUnitXML.Case])] = []
        func add(_ suite: String, _ test: JUnitXML.Case) {
            if let i = suites.firstIndex(where: { $0.0 == suite }) { suites[i].1.append(test) } else { suites.append((suite, [test])) }
        }
        for check in checks {
            let text = check.failureText
            add(check.scenario, JUnitXML.Case(
                classname: "gate.plan.\(check.scenario)", name: "\(check.client) \(check.threshold)",
                failure: check.verdict == .fail ? text : nil, skipped: check.verdict == .skipped, detail: text))
        }
        for miss in unmeasured {
            add(miss.scenario, JUnitXML.Case(
                classname: "gate.plan.\(miss.scenario)", name: "measured", failure: nil, error: miss.reason, skipped: false, detail: miss.reason))
        }
        return JUnitXML.render(name: "bench gate", suites: suites)
    }
}
