import Reports

/// JUnit XML as CI systems read it (GitHub, GitLab, Jenkins): suites of named cases, each passed,
/// failed (a verdict), errored (nothing could be judged) or skipped. Both gate reports write through it.
enum JUnitXML {
    struct Case {
        var classname: String
        var name: String
        var failure: String?
        var error: String? = nil
        var skipped: Bool
        var detail: String
    }

    static func render(name: String, suites: [(String, [Case])]) -> String {
        let suites = suites.filter { !$0.1.isEmpty }
        var lines = [#"<?xml version="1.0" encoding="UTF-8"?>"#]
        let tests = suites.reduce(0) { $0 + $1.1.count }
        let failures = suites.reduce(0) { $0 + $1.1.filter { $0.failure != nil }.count }
        let errors = suites.reduce(0) { $0 + $1.1.filter { $0.error != nil }.count }
        lines.append(#"<testsuites name="\#(XMLText.escape(name))" tests="\#(tests)" failures="\#(failures)" errors="\#(errors)">"#)
        for (suite, cases) in suites {
            let suiteFailures = cases.filter { $0.failure != nil }.count
            let suiteErrors = cases.filter { $0.error != nil }.count
            let skipped = cases.filter(\.skipped).count
            lines.append(#"  <testsuite name="\#(XMLText.escape(suite))" tests="\#(cases.count)" failures="\#(suiteFailures)" errors="\#(suiteErrors)" skipped="\#(skipped)">"#)
            for test in cases {
                let open = #"    <testcase classname="\#(XMLText.escape(test.classname))" name="\#(XMLText.escape(test.name))""#
                if let failure = test.failure {
                    lines.append(open + ">")
                    lines.append(#"      <failure message="\#(XMLText.escape(failure))">\#(XMLText.escape(failure))</failure>"#)
                    lines.append("    </testcase>")
                } else if let error = test.error {
                    lines.append(open + ">")
                    lines.append(#"      <error message="\#(XMLText.escape(error))">\#(XMLText.escape(error))</error>"#)
                    lines.append("    </testcase>")
                } else if test.skipped {
                    lines.append(open + ">")
                    lines.append(#"      <skipped message="\#(XMLText.escape(test.detail))"/>"#)
                    lines.append("    </testcase>")
                } else {
                    lines.append(open + "/>")
                }
            }
            lines.append("  </testsuite>")
        }
        lines.append("</testsuites>")
        return lines.joined(separator: "\n") + "\n"
    }
}
