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

    #endif

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
