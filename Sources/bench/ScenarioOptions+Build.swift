import ArgumentParser
import Foundation
import LoadDriver
import Locks
import RedisConnection

/// A validated scenario: everything parsed, nothing connected yet.
struct PlannedRun {
    /// Clients to run, in order.
    var clients: [RedisClientKind]
    /// The scenario, with `client` set per run.
    var scenario: Scenario
    /// Servers named on the command line; empty means start local ones.
    var endpoints: [Endpoint]
    /// How many servers to start when none were named.
    var embeddedCount: Int
    /// Connection settings (AUTH, SELECT, timeouts).
    var connection: ConnectionOptions
}

extension ScenarioOptions {
    /// Turns the flags into a scenario, naming the flag, the value and what is allowed on any error.
    func plan() throws -> PlannedRun {
        func bad(_ flag: String, _ value: String, _ allowed: String) -> ValidationError {
            ValidationError("--\(flag) '\(value)' is invalid: \(allowed).")
        }
        func time(_ flag: String, _ text: String) throws -> TimeDistribution {
            do { return try TimeDistribution(parsing: text) } catch { throw ValidationError("--\(flag) \(error)") }
        }
        func fixedMs(_ flag: String, _ text: String, min: Double = 0) throws -> Double {
            guard case .fixed(let us) = try time(flag, text) else {
                throw bad(flag, text, "a single duration such as 5ms is expected here, not a distribution")
            }
            let ms = Double(us) / 1_000
            guard ms >= min else { throw bad(flag, text, "must be at least \(min) ms") }
            return ms
        }

        let clients: [RedisClientKind]
        switch client {
        case "both": clients = [.native, .hiredis]
        default:
            guard let kind = RedisClientKind(rawValue: client) else { throw bad("client", client, "use native, hiredis or both") }
            clients = [kind]
        }
        guard let algorithmKind = LockAlgorithmKind(rawValue: algorithm) else {
            throw bad("algorithm", algorithm, "use one of \(LockAlgorithmKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let waitKind = WaitStrategy.Kind(rawValue: wait) else {
            throw bad("wait", wait, "use one of \(WaitStrategy.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard algorithmKind.supportedWaits.contains(waitKind) else {
            throw bad("wait", wait, "\(algorithmKind) supports \(algorithmKind.supportedWaits.map(\.rawValue).joined(separator: ", "))")
        }
        guard (1...1_000_000).contains(contenders) else { throw bad("contenders", "\(contenders)", "use 1...1000000") }
        guard (1...contenders).contains(keys) else { throw bad("keys", "\(keys)", "use 1...--contenders (\(contenders))") }
        guard (1...1024).contains(connections) else { throw bad("connections", "\(connections)", "use 1...1024") }
        guard pipeline >= 0 else { throw bad("pipeline", "\(pipeline)", "use 0 (no limit) or more") }
        let ttlMs = try fixedMs("ttl", ttl, min: 1)
        let holdTime = try time("hold", hold)
        let thinkTime = try time("think", think)
        let durationS = try fixedMs("duration", duration, min: 1) / 1_000
        let warmupS = try fixedMs("warmup", warmup) / 1_000
        if let requests, requests < 1 { throw bad("requests", "\(requests)", "use 1 or more") }
        let mode: LoadMode
        if let rate {
            guard rate > 0, rate.isFinite, rate <= 10_000_000 else { throw bad("rate", "\(rate)", "use a rate above 0 per second") }
            guard let process = Arrivals(rawValue: arrivals) else { throw bad("arrivals", arrivals, "use poisson or uniform") }
            mode = .open(rate: rate, arrivals: process)
        } else {
            mode = .closed
        }
        guard (1...99).contains(redlockNodes) else { throw bad("redlock-nodes", "\(redlockNodes)", "use 1...99") }
        guard driftFactor >= 0, driftFactor < 1 else { throw bad("drift-factor", "\(driftFactor)", "use a fraction in [0, 1)") }
        let driftFixedMs = try fixedMs("drift-fixed", driftFixed)
        let skewMs = try fixedMs("clock-skew", clockSkew)
        let acquireTimeoutMs = try fixedMs("acquire-timeout", acquireTimeout, min: 1)
        let commandTimeoutMs = try fixedMs("command-timeout", commandTimeout, min: 1)
        guard (0...15).contains(db) || !servers.isEmpty else { throw bad("db", "\(db)", "local servers have databases 0...15") }
        guard db >= 0 else { throw bad("db", "\(db)", "use 0 or more") }
        let queueCount = queues ?? ProcessInfo.processInfo.activeProcessorCount
        guard (1...64).contains(queueCount) else { throw bad("queues", "\(queueCount)", "use 1...64") }

        var endpoints: [Endpoint] = []
        for text in servers {
            do { endpoints.append(try Endpoint(parsing: text)) } catch { throw ValidationError("--server \(error)") }
        }
        if algorithmKind == .redlock, !endpoints.isEmpty, endpoints.count != redlockNodes {
            throw bad("server", servers.joined(separator: ","), "redlock with --redlock-nodes \(redlockNodes) needs that many --server values, got \(endpoints.count)")
        }

        var credentials: Credentials?
        if passwordEnv != nil && passwordFile != nil {
            throw ValidationError("--password-env and --password-file are alternatives: give one.")
        }
        do {
            if let variable = passwordEnv { credentials = try Credentials.fromEnvironment(variable: variable, username: user) }
            if let path = passwordFile { credentials = try Credentials.fromFile(path: path, username: user) }
        } catch {
            throw ValidationError("\(error)")
        }
        if user != nil && credentials == nil {
            throw ValidationError("--user needs a password: give --password-env VAR or --password-file PATH.")
        }

        let wait = WaitStrategy(
            waitKind, fixedDelay: Milliseconds(Int(try fixedMs("fixed-delay", fixedDelay))),
            backoffBase: Milliseconds(max(1, Int(try fixedMs("backoff-base", backoffBase, min: 1)))),
            backoffCap: Milliseconds(max(1, Int(try fixedMs("backoff-cap", backoffCap, min: 1)))),
            fallback: try fallback.map { Milliseconds(max(1, Int(try fixedMs("fallback", $0, min: 1)))) })
        let redlock = RedlockSpec(nodes: redlockNodes, driftFactor: driftFactor, driftFixedMs: driftFixedMs)
        let lock = LockSpec(algorithm: algorithmKind, wait: wait, ttlMs: Int(ttlMs), redlock: redlock)
        do { try lock.validate() } catch { throw ValidationError("\(error)") }

        var scenario = Scenario(
            client: clients[0], lock: lock, contenders: contenders, keys: keys, connections: connections,
            pipeline: pipeline, hold: holdTime, think: thinkTime, mode: mode, durationS: durationS, warmupS: warmupS,
            requests: requests, servers: endpoints.map(\.description), embeddedServers: endpoints.isEmpty, db: db,
            user: user, seed: seed ?? UInt64.random(in: 1...UInt64(UInt32.max)), queues: queueCount,
            commandTimeoutMs: Int(commandTimeoutMs), acquireTimeoutMs: Int(acquireTimeoutMs), clockSkewMs: Int(skewMs))
        scenario.embeddedUnix = unix
        switch replyWait {
        case "auto": scenario.replyWaitUs = nil
        case "off": scenario.replyWaitUs = 0
        default:
            guard case .fixed(let us) = try time("reply-wait", replyWait), (0...100_000).contains(us) else {
                throw bad("reply-wait", replyWait, "use auto, off, or a single time from 0 to 100ms")
            }
            scenario.replyWaitUs = us
        }
        let connection = ConnectionOptions(
            connectTimeoutMs: 3_000, commandTimeoutMs: Int(commandTimeoutMs), credentials: credentials, database: db)
        return PlannedRun(
            clients: clients, scenario: scenario, endpoints: endpoints,
            embeddedCount: algorithmKind == .redlock ? redlockNodes : 1, connection: connection)
    }
}
