import BenchMetrics
import Foundation
import LoadDriver
import Reports
import Testing

@Suite struct JSONTests {
    @Test func oneResultDecodesBack() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/run.json"
        let result = Fixtures.result(.native, .redlock, partial: true)
        try JSONReportWriter.write([result], to: path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix("{\n"))
        // Keys sorted, so two files diff line by line.
        let top = ["\"identity\"", "\"measurements\"", "\"partial\"", "\"partialReason\"", "\"scenario\""].map { text.range(of: $0)!.lowerBound }
        #expect(top == top.sorted())

        let back = try #require(try JSONReportWriter.decode(data).first)
        #expect(back.identity == result.identity)
        #expect(back.scenario == result.scenario)
        #expect(back.partial && back.partialReason == "interrupted (SIGINT)")
        #expect(back.measurements.raw == result.measurements.raw)
        #expect(back.measurements.acquire == result.measurements.acquire)
        #expect(back.measurements.redlock == result.measurements.redlock)
        #expect(back.measurements.fairness == result.measurements.fairness)
        #expect(back.measurements.cost == result.measurements.cost)
        // Plain JSONDecoder reads it too: nothing lockbench-specific is needed to consume the file.
        #expect(try JSONDecoder().decode(RunResult.self, from: data).measurements.acquisitions == 66)
    }

    @Test func bothClientsCarryTheirRatio() throws {
        let native = Fixtures.result(.native, speed: 1)
        let hiredis = Fixtures.result(.hiredis, speed: 2)
        let data = try JSONReportWriter.encode([native, hiredis])
        let comparison = try JSONDecoder().decode(RunComparison.self, from: data)
        #expect(comparison.results.map(\.scenario.client) == [.native, .hiredis])
        let ratio = try #require(comparison.ratio)
        #expect(ratio.numerator == "native" && ratio.denominator == "hiredis")
        #expect(ratio.acquisitionsPerSecond == 1)
        #expect(abs(try #require(ratio.clientCPUPerAcquisition) - 0.5) < 1e-9)
        #expect(abs(try #require(ratio.acquireP99) - 0.5) < 0.01)
        #expect(try JSONReportWriter.decode(data).count == 2)
    }

    @Test func differentScenariosHaveNoRatio() {
        var other = Fixtures.result(.hiredis)
        other.scenario.contenders = 99
        #expect(RunComparison(results: [Fixtures.result(.native), other]).ratio == nil)
        #expect(RunComparison(results: [Fixtures.result(.native), Fixtures.result(.native)]).ratio == nil)
    }

    @Test func notAResultIsAClearError() {
        let error = #expect(throws: ReportFileError.self) { try JSONReportWriter.decode(Data("{\"x\": 1}".utf8)) }
        #expect(error?.code == .invalidContent)
    }
}
