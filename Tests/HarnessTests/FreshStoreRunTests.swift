import Harness
import LoadDriver
import Locks
import RedisConnection
import Testing

/// Runs on an embedded consensus store never share members: each run after the first gets a store of
/// its own in place of the one the previous run used.
@Suite("Fresh store per run (FreshStoreRunTests)", .serialized)
struct FreshStoreRunTests {
    @Test("two runs on embedded etcd: the second runs on new members, and both grant")
    func etcdRunsGetFreshMembers() async throws {
        var settings = ScenarioSettings()
        settings.target = .store(.etcd, members: 1)
        settings.contenders = 4
        settings.keys = 2
        settings.duration = "1s"
        settings.warmup = "0"
        let scenario = try settings.scenario(client: .native)
        let session = try await HarnessSession.open(for: [scenario], catchInterrupts: false)
        let first = try await session.run(scenario, runID: "fresh-1", keyPrefix: "lockbench:fresh-1:")
        let second = try await session.run(scenario, runID: "fresh-2", keyPrefix: "lockbench:fresh-2:")
        let summary = session.servers.storeSummary
        await session.close()
        #expect(first.measurements.acquisitions > 0 && second.measurements.acquisitions > 0)
        #expect(first.endpoints != second.endpoints, "the second run reused the first run's members: \(first.endpoints)")
        #expect(summary?.isEmpty == false)
    }
}
