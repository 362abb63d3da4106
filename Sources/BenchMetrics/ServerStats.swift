/// A snapshot of a redis-server's counters, parsed from `INFO` text (the `commandstats`, `cpu` and
/// `stats` sections; others are ignored). Take one before and one after the window and subtract.
public struct ServerStats: Codable, Sendable, Hashable {
    /// One `cmdstat_<name>` line.
    public struct CommandStat: Codable, Sendable, Hashable {
        /// Executions, including those made by scripts through `redis.call`.
        public var calls: Int
        /// Microseconds spent executing.
        public var usec: Int
        /// Calls refused before execution (e.g. wrong arity, OOM).
        public var rejectedCalls: Int
        /// Calls that executed and failed.
        public var failedCalls: Int

        public init(calls: Int, usec: Int, rejectedCalls: Int = 0, failedCalls: Int = 0) {
            self.calls = calls
            self.usec = usec
            self.rejectedCalls = rejectedCalls
            self.failedCalls = failedCalls
        }
    }

    /// Per command, by the name Redis uses (lower case; subcommands as `client|setname`).
    public var commands: [String: CommandStat]
    /// `used_cpu_sys`, seconds (`nil` when the `cpu` section was absent).
    public var usedCPUSysS: Double?
    /// `used_cpu_user`, seconds.
    public var usedCPUUserS: Double?
    /// `total_commands_processed` (`nil` when the `stats` section was absent).
    public var totalCommandsProcessed: Int?
    /// `redis_version`, when the `server` section was included.
    public var redisVersion: String?

    public init(
        commands: [String: CommandStat] = [:], usedCPUSysS: Double? = nil, usedCPUUserS: Double? = nil,
        totalCommandsProcessed: Int? = nil, redisVersion: String? = nil
    ) {
        self.commands = commands
        self.usedCPUSysS = usedCPUSysS
        self.usedCPUUserS = usedCPUUserS
        self.totalCommandsProcessed = totalCommandsProcessed
        self.redisVersion = redisVersion
    }

    /// Parses the text of an `INFO` reply (CRLF or LF lines, `# Section` headers, `key:value` fields).
    /// Unknown fields are skipped; a known field whose value does not parse throws, since silently
    /// reading it as 0 would corrupt every per-acquisition figure.
    public init(parsing info: String) throws(ServerStatsParseError) {
        self.init()
        for rawLine in info.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine[...]
            if line.isEmpty || line.first == "#" { continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon]
            let value = line[line.index(after: colon)...]
            switch key {
            case "used_cpu_sys":
                usedCPUSysS = try Self.double(value, line)
            case "used_cpu_user":
                usedCPUUserS = try Self.double(value, line)
            case "total_commands_processed":
                totalCommandsProcessed = try Self.int(value, line)
            case "redis_version":
                redisVersion = String(value)
            default:
                if key.hasPrefix("cmdstat_") {
                    commands[String(key.dropFirst("cmdstat_".count))] = try Self.commandStat(value, line)
                }
            }
        }
    }

    private static func int(_ text: Substring, _ line: Substring) throws(ServerStatsParseError) -> Int {
        guard let n = Int(text) else { throw ServerStatsParseError(line: String(line), reason: "'\(text)' is not an integer") }
        return n
    }

    private static func double(_ text: Substring, _ line: Substring) throws(ServerStatsParseError) -> Double {
        guard let x = Double(text), x.isFinite else { throw ServerStatsParseError(line: String(line), reason: "'\(text)' is not a number") }
        return x
    }

    /// `calls=3,usec=26,usec_per_call=8.67,rejected_calls=0,failed_calls=0` (the last two since Redis 6.2).
    private static func commandStat(_ text: Substring, _ line: Substring) throws(ServerStatsParseError) -> CommandStat {
        var stat = CommandStat(calls: 0, usec: 0)
        var sawCalls = false
        for field in text.split(separator: ",") {
            guard let eq = field.firstIndex(of: "=") else { continue }
            let name = field[..<eq]
            let value = field[field.index(after: eq)...]
            switch name {
            case "calls": stat.calls = try int(value, line); sawCalls = true
            case "usec": stat.usec = try int(value, line)
            case "rejected_calls": stat.rejectedCalls = try int(value, line)
            case "failed_calls": stat.failedCalls = try int(value, line)
            default: continue
            }
        }
        guard sawCalls else { throw ServerStatsParseError(line: String(line), reason: "no calls= field") }
        return stat
    }

    /// What happened on the server between `earlier` and this snapshot, without the commands named in
    /// `excluding` (default: the harness's own `info` calls, which would otherwise count as load).
    ///
    /// A counter that went down means the server restarted in between; its delta is then the later value
    /// (everything since the restart), which undercounts rather than going negative.
    public func delta(since earlier: ServerStats, excluding: Set<String> = ["info"]) -> ServerStatsDelta {
        func diff(_ later: Int, _ before: Int) -> Int { later >= before ? later - before : later }
        var perCommand: [String: CommandStat] = [:]
        var excludedCalls = 0
        for (name, later) in commands {
            let before = earlier.commands[name] ?? CommandStat(calls: 0, usec: 0)
            let d = CommandStat(
                calls: diff(later.calls, before.calls), usec: diff(later.usec, before.usec),
                rejectedCalls: diff(later.rejectedCalls, before.rejectedCalls),
                failedCalls: diff(later.failedCalls, before.failedCalls)
            )
            if excluding.contains(name) {
                excludedCalls += d.calls
            } else if d.calls > 0 || d.usec > 0 {
                perCommand[name] = d
            }
        }
        var cpuSys: Double?
        var cpuUser: Double?
        if let later = usedCPUSysS, let before = earlier.usedCPUSysS { cpuSys = later >= before ? later - before : later }
        if let later = usedCPUUserS, let before = earlier.usedCPUUserS { cpuUser = later >= before ? later - before : later }
        var processed: Int?
        if let later = totalCommandsProcessed, let before = earlier.totalCommandsProcessed {
            processed = Swift.max(0, diff(later, before) - excludedCalls)
        }
        return ServerStatsDelta(
            servers: 1, commands: perCommand, excludedCalls: excludedCalls,
            cpuSysS: cpuSys, cpuUserS: cpuUser, totalCommandsProcessed: processed
        )
    }
}

/// `INFO` text with a known field that does not parse.
public struct ServerStatsParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The offending line.
    public var line: String
    /// What is wrong with it.
    public var reason: String
    /// What failed and on which line.
    public var description: String {
        "cannot read redis INFO line '\(line)': \(reason). Is the server a Redis-compatible one that speaks INFO?"
    }
}
