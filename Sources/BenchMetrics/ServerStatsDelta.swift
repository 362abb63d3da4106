/// Server work between two `ServerStats` snapshots, summed over every server of the run (Redlock has N).
public struct ServerStatsDelta: Codable, Sendable, Hashable {
    /// Servers summed.
    public var servers: Int
    /// Per command: calls and time in the interval (the excluded harness commands are not here).
    public var commands: [String: ServerStats.CommandStat]
    /// Calls to the excluded commands (the harness's own `INFO`), left out of every figure.
    public var excludedCalls: Int
    /// Server system CPU, seconds (`nil` if a snapshot lacked the `cpu` section).
    public var cpuSysS: Double?
    /// Server user CPU, seconds.
    public var cpuUserS: Double?
    /// `total_commands_processed` delta minus the excluded calls.
    public var totalCommandsProcessed: Int?

    public init(
        servers: Int, commands: [String: ServerStats.CommandStat], excludedCalls: Int,
        cpuSysS: Double?, cpuUserS: Double?, totalCommandsProcessed: Int?
    ) {
        self.servers = servers
        self.commands = commands
        self.excludedCalls = excludedCalls
        self.cpuSysS = cpuSysS
        self.cpuUserS = cpuUserS
        self.totalCommandsProcessed = totalCommandsProcessed
    }

    /// Nothing, on no servers: the start of a sum.
    public static let zero = ServerStatsDelta(
        servers: 0, commands: [:], excludedCalls: 0, cpuSysS: 0, cpuUserS: 0, totalCommandsProcessed: 0
    )

    /// Command executions: the `commandstats` calls (which include commands scripts ran through
    /// `redis.call`, so an `EVALSHA` that sets and deletes counts 3), or `total_commands_processed`
    /// when commandstats was not captured.
    public var calls: Int {
        commands.isEmpty ? (totalCommandsProcessed ?? 0) : commands.values.reduce(0) { $0 + $1.calls }
    }

    /// Time spent executing commands, µs (server-side, per `commandstats`).
    public var commandUsec: Int { commands.values.reduce(0) { $0 + $1.usec } }

    /// System + user CPU, seconds; `nil` when either was not captured.
    public var cpuS: Double? {
        guard let cpuSysS, let cpuUserS else { return nil }
        return cpuSysS + cpuUserS
    }

    /// Server command executions per acquisition (everything the window sent — acquires, releases,
    /// waits — divided by acquisitions); `nil` with no acquisitions.
    public func commandsPerAcquisition(_ acquisitions: Int) -> Double? {
        guard acquisitions > 0 else { return nil }
        return Double(calls) / Double(acquisitions)
    }

    /// Server CPU per acquisition, µs; `nil` with no acquisitions or no CPU figures.
    public func serverCPUPerAcquisitionUs(_ acquisitions: Int) -> Double? {
        guard acquisitions > 0, let cpuS else { return nil }
        return cpuS * 1_000_000 / Double(acquisitions)
    }

    /// Server time executing commands per acquisition, µs; `nil` with no acquisitions.
    public func commandUsecPerAcquisition(_ acquisitions: Int) -> Double? {
        guard acquisitions > 0, !commands.isEmpty else { return nil }
        return Double(commandUsec) / Double(acquisitions)
    }

    /// Two servers' deltas together (a figure missing on either side is missing in the sum).
    public static func + (lhs: ServerStatsDelta, rhs: ServerStatsDelta) -> ServerStatsDelta {
        func add<T: AdditiveArithmetic>(_ a: T?, _ b: T?) -> T? {
            guard let a, let b else { return nil }
            return a + b
        }
        return ServerStatsDelta(
            servers: lhs.servers + rhs.servers,
            commands: lhs.commands.merging(rhs.commands) { a, b in
                ServerStats.CommandStat(
                    calls: a.calls + b.calls, usec: a.usec + b.usec,
                    rejectedCalls: a.rejectedCalls + b.rejectedCalls, failedCalls: a.failedCalls + b.failedCalls
                )
            },
            excludedCalls: lhs.excludedCalls + rhs.excludedCalls,
            cpuSysS: add(lhs.cpuSysS, rhs.cpuSysS), cpuUserS: add(lhs.cpuUserS, rhs.cpuUserS),
            totalCommandsProcessed: add(lhs.totalCommandsProcessed, rhs.totalCommandsProcessed)
        )
    }

    /// The sum over servers; `nil` for none.
    public static func sum(_ deltas: [ServerStatsDelta]) -> ServerStatsDelta? {
        guard !deltas.isEmpty else { return nil }
        return deltas.reduce(.zero, +)
    }
}
