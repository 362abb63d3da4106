import BenchMetrics
import Reports
import Testing

@Suite struct SummaryTableTests {
    static let requiredRows = [
        "acquisitions/s", "acquire p50 (µs)", "acquire p99 (µs)", "acquire p99.9 (µs)", "acquire max (µs)",
        "attempts/acquisition", "failed acquisitions", "errors", "Jain fairness index", "grants per contender, min",
        "grants per contender, max", "starved contenders", "handoff p50 (µs)", "handoff p99 (µs)",
        "mutex overlaps", "stale writes rejected", "wrong-owner deletes", "double grants",
        "server commands/acquisition", "server CPU/acquisition (µs)", "client CPU/acquisition (µs)", "peak RSS (MiB)", "threads",
    ]
    static let redlockRows = ["Redlock elapsed/TTL p99 (%)", "validity left, min (ms)", "TTL overruns", "split votes"]

    @Test func oneClient() {
        let text = SummaryTable.render([Fixtures.result(.native)])
        for row in Self.requiredRows { #expect(text.contains(row), "missing row \(row)") }
        for row in Self.redlockRows { #expect(!text.contains(row), "Redlock row \(row) in a setnx-px table") }
        #expect(text.contains("setnx-px / backoff"))
        #expect(text.contains("12 contenders on 3 keys"))
        #expect(text.contains("2 connections × pipeline 32"))
        #expect(text.contains("ttl 1000 ms"))
        #expect(text.contains("10 s window"))
        #expect(text.contains("1 server (embedded)"))
        #expect(!text.contains("PARTIAL"))
        #expect(!text.contains("native/hiredis"))
        #expect(!text.contains("\u{1B}"), "no colour codes")
        let columnHeader = text.split(separator: "\n").first { $0.hasSuffix("native") }
        #expect(columnHeader != nil)
    }

    @Test func twoClientsGetARatioColumn() throws {
        let text = SummaryTable.render([Fixtures.result(.native, speed: 1), Fixtures.result(.hiredis, speed: 2)])
        let lines = text.split(separator: "\n").map(String.init)
        let header = try #require(lines.first { $0.contains("native/hiredis") })
        #expect(header.contains("native") && header.contains("hiredis"))
        let cpu = try #require(lines.first { $0.hasPrefix("client CPU/acquisition (µs)") })
        #expect(cpu.hasSuffix("0.50x"))
        let throughput = try #require(lines.first { $0.hasPrefix("acquisitions/s") })
        #expect(throughput.hasSuffix("1.00x"))
        // No ratio for counts of rare events.
        let overlaps = try #require(lines.first { $0.hasPrefix("mutex overlaps") })
        #expect(!overlaps.hasSuffix("x"))
        // Right-aligned columns: every table row has the same length up to its last cell.
        let rows = lines.filter { $0.hasPrefix("acquire p") }
        #expect(Set(rows.map(\.count)).count == 1)
    }

    @Test func redlockAndPartial() {
        let text = SummaryTable.render([Fixtures.result(.hiredis, .redlock, partial: true, error: "server 127.0.0.1:6401 died")])
        for row in Self.redlockRows { #expect(text.contains(row), "missing row \(row)") }
        #expect(text.contains("5 masters"))
        #expect(text.contains("PARTIAL (hiredis): interrupted (SIGINT)"))
        #expect(text.contains("ERROR (hiredis): server 127.0.0.1:6401 died"))
    }

    @Test func openLoopShowsTheCorrectedLatency() {
        let text = SummaryTable.render([Fixtures.result(.native, open: true)])
        #expect(text.contains("acquire p99 from intended start (µs)"))
        #expect(text.contains("open(1000.0/s poisson)"))
    }

    @Test func progressLine() {
        let line = ProgressLine.render(client: "native", phase: .measuring, elapsedS: 12.7, totalS: 30, acquisitionsPerSecond: 41_230.4, p99Us: 182.34, errors: 3)
        #expect(line == "native  measuring  12/30 s  41,230 acq/s  p99 182 µs  errors 3")
        let warm = ProgressLine.render(phase: .warmup, elapsedS: 1, totalS: nil, acquisitionsPerSecond: 0, p99Us: nil, errors: 0)
        #expect(warm == "warm-up  1 s  0 acq/s  p99 -  errors 0")
    }
}
