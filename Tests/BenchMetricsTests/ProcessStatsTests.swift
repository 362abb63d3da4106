@testable import BenchMetrics
import Testing

@Suite struct ProcessStatsTests {
    @Test func liveProcess() throws {
        let start = ProcessStats.sample()
        #expect(start.peakRSSBytes > 0)
        #expect(start.rssBytes > 0)
        #expect(start.peakRSSBytes >= start.rssBytes)
        #expect(start.threads >= 1)
        var sink = 0
        for i in 0..<2_000_000 { sink &+= i &* i }
        #expect(sink != 1)
        let end = ProcessStats.sample()
        let cost = end.delta(since: start)
        #expect(cost.cpuS >= 0)
        #expect(cost.wallS > 0)
        #expect(cost.peakThreads >= 1)
        #expect(cost.peakRSSMB > 0)
    }

    #if os(Linux)
    /// A run's peak must be its own: a 256 MiB spike before the reset must not show after it.
    @Test func peakResetsBetweenRuns() throws {
        do {
            // Filling it writes every page, so all of it is resident.
            var spike = [UInt8](repeating: 1, count: 256 << 20)
            spike[spike.count - 1] = 2
            #expect(spike[spike.count / 2] == 1 && spike[spike.count - 1] == 2)
        }
        let before = ProcessStats.sample()
        #expect(before.peakRSSBytes >= 256 << 20)
        #expect(ProcessStats.resetPeakRSS())
        let after = ProcessStats.sample()
        #expect(after.peakRSSBytes < before.peakRSSBytes - (128 << 20), "the spike's pages were freed, so the reset peak is far below it")
    }

    @Test func liveProcFilesParse() throws {
        let status = try #require(ProcFile.read("/proc/self/status"))
        let parsed = ProcFile.parseStatus(status)
        #expect(try #require(parsed.peakRSSBytes) > 0)
        #expect(try #require(parsed.threads) >= 1)
        let stat = try #require(ProcFile.read("/proc/self/stat"))
        #expect(try #require(ProcFile.parseStatThreads(stat)) >= 1)
    }
    #endif

    @Test func statusText() {
        let text = "Name:\tbench\nVmPeak:\t  3060 kB\nVmHWM:\t    1728 kB\nVmRSS:\t    1700 kB\nThreads:\t7\n"
        let parsed = ProcFile.parseStatus(text)
        #expect(parsed.peakRSSBytes == 1728 * 1024)
        #expect(parsed.rssBytes == 1700 * 1024)
        #expect(parsed.threads == 7)
    }

    @Test func statTextWithAnAwkwardCommandName() {
        // Field 2 may hold spaces and parentheses; num_threads is field 20.
        let text = "6015 (a b) c)) R 5990 5990 2743 0 -1 4194304 100 0 0 0 0 0 0 0 20 0 9 0 175626 3133440 418 18446744073709551615"
        #expect(ProcFile.parseStatThreads(text) == 9)
        #expect(ProcFile.parseStatThreads("garbage") == nil)
    }

    @Test func maxKeepsPeaksAndTheLaterSample() {
        let a = ProcessStats(userCPUMicros: 10, systemCPUMicros: 5, peakRSSBytes: 100, rssBytes: 90, threads: 12, monotonicNanos: 1)
        let b = ProcessStats(userCPUMicros: 20, systemCPUMicros: 6, peakRSSBytes: 150, rssBytes: 80, threads: 4, monotonicNanos: 2)
        let m = ProcessStats.max(a, b)
        #expect(m.peakThreads == 12)
        #expect(m.threads == 4)
        #expect(m.rssBytes == 80)
        #expect(m.userCPUMicros == 20)
        let cost = m.delta(since: a)
        #expect(cost.peakThreads == 12)
        #expect(abs(cost.userCPUS - 10e-6) < 1e-12)
        #expect(abs(cost.systemCPUS - 1e-6) < 1e-12)
    }
}
