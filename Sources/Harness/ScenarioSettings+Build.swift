import Foundation
import LoadDriver
import Locks
import RedisConnection

extension ScenarioSettings {
    /// Validates every setting and builds the scenario (its client is the first of `client`), naming
    /// the flag, the value and what is allowed on any refusal. Reads no secret: a password source is
    /// only checked for presence here; the harness reads it once, when it connects.
    public func scenario(client: RedisClientKind) throws(ScenarioSettingsError) -> Scenario {
        typealias E = ScenarioSettingsError
        let (algorithm, wait) = try resolvedStrategy()
        guard algorithm.supportedWaits.contains(wait) else {
            throw E.bad("wait", wait.rawValue, "\(algorithm) supports \(algorithm.supportedWaits.map(\.rawValue).joined(separator: ", "))")
        }
        guard (1...1_000_000).contains(contenders) else { throw E.bad("contenders", "\(contenders)", "use 1...1000000") }
        let keyDistribution: KeyDistribution
        do { keyDistribution = try KeyDistribution(parsing: keyDist) } catch { throw E(error.description, flag: "key-dist") }
        if keyDistribution.drawsPerAcquisition {
            // Drawn keys may outnumber the contenders (a long tail of cold keys); every name is built up front.
            guard (1...1_000_000).contains(keys) else { throw E.bad("keys", "\(keys)", "use 1...1000000 with --key-dist \(keyDistribution)") }
        } else {
            guard (1...contenders).contains(keys) else { throw E.bad("keys", "\(keys)", "use 1...--contenders (\(contenders))") }
        }
        guard (1...1024).contains(connections) else { throw E.bad("connections", "\(connections)", "use 1...1024") }
        guard pipeline >= 0 else { throw E.bad("pipeline", "\(pipeline)", "use 0 (no limit) or more") }
        let ttlMs = try Self.fixedMs("ttl", ttl, min: 1)
        let holdTime = try Self.time("hold", hold)
        let thinkTime = try Self.time("think", think)
        let durationS = try Self.fixedMs("duration", duration, min: 1) / 1_000
        let warmupS = try Self.fixedMs("warmup", warmup) / 1_000
        if let requests, requests < 1 { throw E.bad("requests", "\(requests)", "use 1 or more") }
        var mode = LoadMode.closed
        if let rate {
            guard rate > 0, rate.isFinite, rate <= 10_000_000 else { throw E.bad("rate", "\(rate)", "use a rate above 0 per second") }
            mode = .open(rate: rate, arrivals: arrivals)
        }
        guard (1...99).contains(redlockNodes) else { throw E.bad("redlock-nodes", "\(redlockNodes)", "use 1...99") }
        guard driftFactor >= 0, driftFactor < 1 else { throw E.bad("drift-factor", "\(driftFactor)", "use a fraction in [0, 1)") }
        let driftFixedMs = try Self.fixedMs("drift-fixed", driftFixed)
        let skewMs = try Self.fixedMs("clock-skew", clockSkew)
        let acquireTimeoutMs = try Self.fixedMs("acquire-timeout", acquireTimeout, min: 1)
        let commandTimeoutMs = try Self.fixedMs("command-timeout", commandTimeout, min: 1)
        guard (0...15).contains(db) || !servers.isEmpty else { throw E.bad("db", "\(db)", "local servers have databases 0...15") }
        guard db >= 0 else { throw E.bad("db", "\(db)", "use 0 or more") }
        let queueCount = queues ?? ProcessInfo.processInfo.activeProcessorCount
        guard (1...64).contains(queueCount) else { throw E.bad("queues", "\(queueCount)", "use 1...64") }
        try checkPasswordSource()
        if algorithm.store == .redis { try checkTLS(client: client) }

        let redlock = RedlockSpec(nodes: redlockNodes, driftFactor: driftFactor, driftFixedMs: driftFixedMs)
        let lock = LockSpec(algorithm: algorithm, wait: try waitStrategy(wait), ttlMs: Int(ttlMs), redlock: redlock)
        do { try lock.validate() } catch { throw E("\(error)") }
        let deployment = algorithm.store == .redis ? try deployment(for: lock) : try storeDeployment(algorithm.store, client: client)
        var connection = ConnectionSettings(db: db, user: user, password: password, commandTimeoutMs: Int(commandTimeoutMs), tls: tls)
        try sentinelAuth(for: deployment, into: &connection)
        return Scenario(
            client: client, deployment: deployment, connection: connection, lock: lock, contenders: contenders, keys: keys,
            connections: connections, pipeline: pipeline, hold: holdTime, think: thinkTime, mode: mode, durationS: durationS,
            warmupS: warmupS, requests: requests, seed: seed ?? UInt64.random(in: 1...UInt64(UInt32.max)), queues: queueCount,
            acquireTimeoutMs: Int(acquireTimeoutMs), clockSkewMs: Int(skewMs), replyWaitUs: try replyWaitUs(),
            keyDist: keyDistribution)
    }

    /// A missing variable or file is a usage error, caught before any server starts; the secret
    /// itself is not read here.
    func checkPasswordSource() throws(ScenarioSettingsError) {
        try Self.checkSource(password, user: user, of: "the Redis password", flags: ("password-env", "password-file", "user"))
    }

    /// Checks one password source; `flags` are the flags that set it (without dashes).
    static func checkSource(
        _ source: CredentialsSource?, user: String?, of what: String, flags: (env: String, file: String, user: String)
    ) throws(ScenarioSettingsError) {
        switch source {
        case .environment(let variable)?:
            guard ProcessInfo.processInfo.environment[variable].map({ !$0.isEmpty }) ?? false else {
                throw ScenarioSettingsError(
                    "cannot read \(what) from environment variable \(variable): it is not set or empty; export it before running.",
                    flag: flags.env)
            }
        case .file(let path)?:
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw ScenarioSettingsError(
                    "cannot read \(what) from password file \(path): it does not exist or is not readable.", flag: flags.file)
            }
        case nil:
            if user != nil {
                throw ScenarioSettingsError("--\(flags.user) needs a password: give --\(flags.env) VAR or --\(flags.file) PATH.", flag: flags.user)
            }
        }
    }

    func replyWaitUs() throws(ScenarioSettingsError) -> Int? {
        switch replyWait {
        case "auto": return nil
        case "off": return 0
        default:
            guard case .fixed(let us) = try Self.time("reply-wait", replyWait), (0...100_000).contains(us) else {
                throw .bad("reply-wait", replyWait, "use auto, off, or a single time from 0 to 100ms")
            }
            return us
        }
    }

    static func time(_ flag: String, _ text: String) throws(ScenarioSettingsError) -> TimeDistribution {
        do { return try TimeDistribution(parsing: text) } catch { throw ScenarioSettingsError("--\(flag) \(error)", flag: flag) }
    }

    static func fixedMs(_ flag: String, _ text: String, min: Double = 0) throws(ScenarioSettingsError) -> Double {
        guard case .fixed(let us) = try time(flag, text) else {
            throw .bad(flag, text, "a single duration such as 5ms is expected here, not a distribution")
        }
        let ms = Double(us) / 1_000
        guard ms >= min else { throw .bad(flag, text, "must be at least \(min) ms") }
        return ms
    }
}
