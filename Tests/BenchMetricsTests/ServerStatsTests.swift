import BenchMetrics
import Testing

@Suite struct ServerStatsTests {
    @Test func parsesRealInfoText() throws {
        let before = try ServerStats(parsing: InfoSamples.before)
        #expect(before.totalCommandsProcessed == 9)
        #expect(before.usedCPUSysS == 0.015408)
        #expect(before.usedCPUUserS == 0)
        #expect(before.commands.count == 4)
        #expect(before.commands["info"] == ServerStats.CommandStat(calls: 4, usec: 97))
        #expect(before.commands["set"] == ServerStats.CommandStat(calls: 3, usec: 26))

        let after = try ServerStats(parsing: InfoSamples.after)
        #expect(after.totalCommandsProcessed == 19)
        #expect(after.commands["script|load"]?.calls == 1)
        #expect(after.commands["client|setname"]?.usec == 4)
        #expect(after.commands["evalsha"] == ServerStats.CommandStat(calls: 3, usec: 101))
    }

    @Test func deltaExcludesTheHarnessInfoCalls() throws {
        let before = try ServerStats(parsing: InfoSamples.before)
        let after = try ServerStats(parsing: InfoSamples.after)
        let delta = after.delta(since: before)
        #expect(delta.servers == 1)
        #expect(delta.excludedCalls == 1)
        #expect(delta.commands["info"] == nil)
        #expect(delta.commands["get"] == nil) // unchanged commands are left out
        #expect(delta.commands["set"] == ServerStats.CommandStat(calls: 3, usec: 22)) // the scripts' inner SETs
        #expect(delta.commands["evalsha"]?.calls == 3)
        // script|load 1 + evalsha 3 + set 3 + incr 1 + client|setname 1
        #expect(delta.calls == 9)
        // total_commands_processed agrees once the INFO call is taken out (it counts script calls too).
        #expect(delta.totalCommandsProcessed == 9)
        #expect(delta.commandUsec == 36 + 101 + 22 + 5 + 4)
        let cpu = try #require(delta.cpuS)
        #expect(abs(cpu - (0.018888 - 0.015408 + 0.000309)) < 1e-12)

        // Three acquisitions (the three EVALSHAs).
        #expect(delta.commandsPerAcquisition(3) == 3)
        #expect(abs(try #require(delta.serverCPUPerAcquisitionUs(3)) - 3_789.0 / 3) < 1e-6)
        #expect(delta.commandsPerAcquisition(0) == nil)
    }

    @Test func deltasOfSeveralServersAdd() throws {
        let before = try ServerStats(parsing: InfoSamples.before)
        let after = try ServerStats(parsing: InfoSamples.after)
        let one = after.delta(since: before)
        let five = try #require(ServerStatsDelta.sum(Array(repeating: one, count: 5)))
        #expect(five.servers == 5)
        #expect(five.calls == 45)
        #expect(five.commands["evalsha"]?.calls == 15)
        #expect(abs(try #require(five.cpuS) - 5 * (try #require(one.cpuS))) < 1e-12)
        #expect(ServerStatsDelta.sum([]) == nil)
    }

    @Test func aRestartedServerNeverGivesNegativeCounts() throws {
        let before = try ServerStats(parsing: InfoSamples.after)
        let restarted = ServerStats(commands: ["set": .init(calls: 2, usec: 10)], usedCPUSysS: 0.001, usedCPUUserS: 0.001, totalCommandsProcessed: 2)
        let delta = restarted.delta(since: before)
        #expect(delta.commands["set"]?.calls == 2)
        #expect(delta.calls == 2)
        #expect(delta.cpuSysS == 0.001)
        #expect(delta.totalCommandsProcessed == 2)
    }

    @Test func missingSectionsGiveNoFigures() throws {
        let stats = try ServerStats(parsing: "# Server\r\nredis_version:7.0.15\r\n")
        #expect(stats.redisVersion == "7.0.15")
        #expect(stats.usedCPUSysS == nil)
        let delta = stats.delta(since: stats)
        #expect(delta.cpuS == nil)
        #expect(delta.serverCPUPerAcquisitionUs(10) == nil)
    }

    @Test func malformedKnownFieldThrows() {
        #expect(throws: ServerStatsParseError.self) { try ServerStats(parsing: "used_cpu_sys:abc\n") }
        #expect(throws: ServerStatsParseError.self) { try ServerStats(parsing: "cmdstat_set:usec=3\n") }
        #expect(throws: ServerStatsParseError.self) { try ServerStats(parsing: "cmdstat_set:calls=x,usec=3\n") }
    }
}
