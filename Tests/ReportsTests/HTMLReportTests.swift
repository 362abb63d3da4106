import BenchMetrics
import Foundation
import LoadDriver
import Locks
import Plots
import RedisConnection
import Reports
import Stats
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The HTML report from synthetic runs: well-formed, one SVG per plot, each with the input's points.
@Suite struct HTMLReportTests {
    /// A small sweep: two algorithms × two clients × three loads × two repeats, latency growing with load.
    static func sweep() -> [RunResult] {
        var results: [RunResult] = []
        var n = 0
        for algorithm in [LockAlgorithmKind.setnxPX, .redlock] {
            for client in [RedisClientKind.native, .hiredis] {
                for (level, contenders) in [10, 100, 1_000].enumerated() {
                    for repeatIndex in 0..<2 {
                        var result = Fixtures.result(client, algorithm, speed: pow(10, Double(level)) * (1 + 0.1 * Double(repeatIndex)))
                        result.scenario.contenders = contenders
                        result.scenario.keys = max(1, contenders / 10)
                        result.identity.runID = String(format: "20260411-1530%02d-%04x", n % 60, n)
                        n += 1
                        results.append(result)
                    }
                }
            }
        }
        return results
    }

    static func model(_ results: [RunResult] = sweep(), safety: [SafetyRow] = [], sloMs: Double = 50, maxErrorRate: Double = 0.01) -> ReportModel {
        var data = ReportData()
        data.add(results)
        data.safety = safety
        return ReportModel(data: data, criteria: KneeCriteria(sloUs: sloMs * 1_000, maxErrorRate: maxErrorRate))
    }

    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    /// Parses `html` as XML; returns the parse error, if any.
    static func xmlError(_ html: String) -> String? {
        let body = html.replacingOccurrences(of: "<!DOCTYPE html>", with: "")
        let parser = XMLParser(data: Data(body.utf8))
        return parser.parse() ? nil : "\(parser.parserError.map { "\($0)" } ?? "unknown") at line \(parser.lineNumber) column \(parser.columnNumber)"
    }

    @Test func theReportIsWellFormedWithOneSVGPerPlot() throws {
        let model = Self.model()
        let plots = ReportPlots.all(model)
        let html = HTMLReport.render(model)
        #expect(Self.xmlError(html) == nil, "\(Self.xmlError(html) ?? "")")
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script"), "no script")
        // No external resource: the only URL is the SVG namespace, which is a name, not a fetch.
        let withoutNamespace = html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "")
        #expect(!withoutNamespace.contains("http://") && !withoutNamespace.contains("https://"))
        #expect(!html.contains("<link") && !html.contains("<img") && !html.contains("@import") && !html.contains("url(http"))
        #expect(Self.count("<svg", in: html) == plots.count)
        #expect(Self.count("</svg>", in: html) == plots.count)
        let ids = Set(plots.map(\.id))
        #expect(ids.count == plots.count, "plot ids are unique")
        // What this input supports: throughput, latency per strategy, HDR curves per strategy (from the
        // JSON histograms), Jain, grants per strategy, the Redlock budget and distribution, commands.
        #expect(ids == [
            "throughput-contenders", "latency-setnx-px-backoff-contenders", "latency-redlock-backoff-contenders",
            "hdr-setnx-px-backoff", "hdr-redlock-backoff", "jain-contenders", "grants-setnx-px-backoff", "grants-redlock-backoff",
            "redlock-budget-contenders", "redlock-distribution", "commands-contenders",
        ])
        for plot in plots {
            #expect(html.contains("data-plot=\"\(plot.id)\""))
            #expect(plot.dataCount > 0, "\(plot.id) has data")
        }
    }

    @Test func plotsCarryTheInputsPoints() throws {
        let model = Self.model()
        let plots = Dictionary(uniqueKeysWithValues: ReportPlots.all(model).map { ($0.id, $0) })
        func svg(_ id: String) -> String { plots[id]!.svg }
        // Throughput: 4 series × 3 loads medians, plus the 2 repeats of each as faint points.
        #expect(Self.count("class=\"pt\"", in: svg("throughput-contenders")) == 4 * 3 * 3)
        #expect(Self.count("class=\"line\"", in: svg("throughput-contenders")) == 4)
        // Latency for one strategy: 2 clients × 3 percentiles × 3 loads × (median + 2 repeats).
        #expect(Self.count("class=\"pt\"", in: svg("latency-redlock-backoff-contenders")) == 2 * 3 * 3 * 3)
        #expect(Self.count("class=\"rule\"", in: svg("latency-redlock-backoff-contenders")) == 1, "the SLO line")
        // HDR: one curve per cell (its median-throughput repeat), drawn as paths.
        #expect(Self.count("class=\"line\"", in: svg("hdr-setnx-px-backoff")) == 6)
        // Commands: one bar per strategy per load.
        #expect(Self.count("class=\"bar\"", in: svg("commands-contenders")) == 2 * 3)
        // The figure of a point is in its tooltip.
        let row = SummaryRow(Self.sweep()[0])
        let throughput = row.number("acquisitions_per_s")!
        #expect(svg("throughput-contenders").contains(HumanUnits.load(throughput.rounded())))
    }

    @Test func theKneeIsMarkedAndInTheMarkdown() throws {
        // Fixture latencies: p99 ≈ 0.1 ms at 10 contenders, ×10 per load step; a 5 ms SLO puts the knee at
        // 100. Every fixture run has 1 failed acquisition and 1 error in 67 (3%): over a 1% bound, no load
        // passes; under 5%, the latency decides.
        #expect(Self.model(sloMs: 5).knees.allSatisfy { $0.knee.status == .noneUnderSLO })
        let model = Self.model(sloMs: 5, maxErrorRate: 0.05)
        let knee = try #require(model.knees.first { $0.series.label == "setnx-px/backoff native" })
        #expect(knee.knee.status == .found)
        #expect(knee.knee.knee?.load == 100)
        let latency = ReportPlots.all(model).first { $0.id == "latency-setnx-px-backoff-contenders" }!.svg
        #expect(Self.count("class=\"callout\"", in: latency) == 2, "one knee ring per client")
        #expect(latency.contains("native knee: 100"))
        let markdown = MarkdownSummary.render(model)
        #expect(markdown.contains("**Knee**"))
        #expect(markdown.contains("| setnx-px/backoff native | contenders | 100 |"))
        #expect(markdown.contains("≤ 5 ms"))
        #expect(markdown.contains("≤ 5%"))
        #expect(markdown.contains("| redlock/backoff hiredis |"))
    }

    @Test func csvHgrmAndContenderFilesGiveTheSamePlots() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let results = Self.sweep().filter { $0.scenario.lock.algorithm == .setnxPX }
        try CSVWriter.append(results, to: dir + "/sweep.csv")
        try ContendersCSVWriter.append(results, to: dir + "/contenders.csv")
        try HgrmWriter.write(results, to: dir + "/hgrm")
        let chaos = [SafetyRow(scenario: "client-pause", variant: "sigstop-worker", algorithm: "setnx-px", client: "native", trials: 5,
                               acquisitions: 40, overlaps: 2, staleWritesRejected: 0, staleWritesAccepted: 2, wrongOwnerDeletes: 0,
                               doubleGrants: 0, failedAcquisitions: 1, unavailabilityMs: 1_200, predicted: "overlap", confirmed: true,
                               verdict: "a paused holder outlives its TTL & <b>overlaps</b>")]
        try JSONEncoder().encode(chaos).write(to: URL(fileURLWithPath: dir + "/chaos.json"))

        let data = try ReportInputs.load([dir])
        #expect(data.rows.count == results.count)
        #expect(data.results.isEmpty)
        #expect(data.curves.count == results.count * 3, "acquire, handoff and release per run")
        #expect(data.grants.count == results.count)
        #expect(data.safety.count == 1)
        let model = ReportModel(data: data, criteria: KneeCriteria(sloUs: 5_000))
        let ids = Set(ReportPlots.all(model).map(\.id))
        #expect(ids.isSuperset(of: ["throughput-contenders", "hdr-setnx-px-backoff", "grants-setnx-px-backoff", "commands-contenders"]))
        let html = HTMLReport.render(model)
        #expect(Self.xmlError(html) == nil, "\(Self.xmlError(html) ?? "")")
        #expect(html.contains("Safety under faults"))
        #expect(html.contains("&lt;b&gt;overlaps&lt;/b&gt;"), "text is escaped")
        #expect(html.contains("sigstop-worker"))
        #expect(MarkdownSummary.render(model).contains("Safety under faults"))
        // The same file twice adds no runs.
        #expect(try ReportInputs.load([dir + "/sweep.csv", dir + "/sweep.csv"]).rows.count == results.count)
    }

    @Test func theKneeCaptionNamesEachLineNotOnlyItsClient() throws {
        // Two lines of one strategy and client that differ by their fixed key count, as a store sweep's
        // `--keys 1,5` (or its targets) makes them: the caption must tell the two knees apart.
        let base = Self.sweep().filter { $0.scenario.lock.algorithm == .setnxPX && $0.scenario.client == .native }
        let results = [1, 5].flatMap { keys in
            base.enumerated().map { index, result -> RunResult in
                var copy = result
                copy.scenario.keys = keys
                copy.identity.runID = String(format: "20260411-1640%02d-%04x", index, keys)
                return copy
            }
        }
        let model = Self.model(results)
        #expect(model.series.count == 2)
        let plot = try #require(ReportPlots.all(model).first { $0.id == "latency-setnx-px-backoff-contenders" })
        #expect(plot.caption.contains("native keys=1: "), "\(plot.caption)")
        #expect(plot.caption.contains("native keys=5: "), "\(plot.caption)")
    }

    @Test func rowsFromTwoHostsStaySeparateSeries() {
        let a = Self.sweep().filter { $0.scenario.lock.algorithm == .setnxPX && $0.scenario.client == .native }
        let b = a.map { result -> RunResult in
            var copy = result
            copy.identity.host = "bench-2"
            return copy
        }
        let model = Self.model(a + b)
        #expect(model.series.count == 2)
        #expect(Set(model.series.map(\.host)) == ["bench-1", "bench-2"])
        #expect(Self.xmlError(HTMLReport.render(model)) == nil)
    }

    @Test func emptyAndUnknownInputs() throws {
        let html = HTMLReport.render(Self.model([]))
        #expect(Self.xmlError(html) == nil)
        #expect(html.contains("held no runs"))
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "hello".write(toFile: dir + "/notes.txt", atomically: true, encoding: .utf8)
        #expect(throws: ReportFileError.self) { try ReportInputs.load([dir + "/notes.txt"]) }
        #expect(throws: ReportFileError.self) { try ReportInputs.load([dir + "/missing.csv"]) }
        try "a,b\n1,2\n".write(toFile: dir + "/other.csv", atomically: true, encoding: .utf8)
        #expect(throws: ReportFileError.self) { try ReportInputs.load([dir + "/other.csv"]) }
    }

    @Test func hgrmTextParsesBackIntoACurve() throws {
        var h = ClampingHistogram()
        for us in 1...1_000 { h.record(UInt64(us) * 1_000) }
        let text = try #require(HgrmWriter.text(h))
        let curve = try #require(PercentileCurve.parseHgrm(text, source: "/x/20260411-153012-7f3a-hiredis-acquire-corrected.hgrm"))
        #expect(curve.runID == "20260411-153012-7f3a")
        #expect(curve.client == "hiredis")
        #expect(curve.kind == "acquire-corrected")
        #expect(curve.count == 1_000)
        #expect(abs((curve.max ?? 0) - 1_000) < 1)
        #expect(curve.points.allSatisfy { $0.fraction < 1 })
        #expect(abs(curve.points.first { $0.fraction >= 0.5 }!.value - 500) < 2)
        #expect(PercentileCurve.parseHgrm("nothing here", source: "x.hgrm") == nil)
    }
}
