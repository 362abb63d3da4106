import ArgumentParser
import Harness
import LoadDriver
import Locks
import RedisConnection

extension LockAlgorithmKind: ExpressibleByArgument {}
extension WaitStrategy.Kind: ExpressibleByArgument {}
extension Arrivals: ExpressibleByArgument {}
extension ClientChoice: ExpressibleByArgument {}

extension TopologyChoice {
    /// `--topology`'s parser, for `bench run`, `sweep` and `servers` alike: the refusal names the value
    /// and the accepted forms.
    static func argument(_ text: String) throws -> TopologyChoice {
        guard let topology = TopologyChoice(parsing: text) else { throw ValidationError("--topology '\(text)' is invalid: use \(forms).") }
        return topology
    }
}

extension TargetChoice {
    /// `--target`'s parser: the refusal names the value and the accepted forms.
    static func argument(_ text: String) throws -> TargetChoice {
        guard let target = TargetChoice(parsing: text) else { throw ValidationError("--target '\(text)' is invalid: use \(forms).") }
        return target
    }
}

extension StoreEndpoints {
    /// `--etcd`'s and `--zookeeper`'s parser.
    static func argument(_ text: String, for kind: LockStoreKind) throws -> [Endpoint] {
        do { return try parse(text, for: kind) } catch { throw ValidationError(error.description) }
    }
}

extension ScenarioOptions {
    /// The flags as settings; the wait strategy's times go to `WaitTimes` here and nowhere else.
    var settings: ScenarioSettings { settings(over: ScenarioSettings()) }

    /// The flags given, over `base` where a flag is optional and was not given.
    func settings(over base: ScenarioSettings) -> ScenarioSettings {
        var s = base
        if let algorithm { s.algorithm = algorithm }
        if let wait { s.wait = wait }
        s.target = target
        s.etcdEndpoints = etcd.flatMap { $0 }
        s.zookeeperEndpoints = zookeeper.flatMap { $0 }
        s.contenders = contenders
        s.keys = keys
        s.keyDist = keyDist
        s.connections = connections
        s.pipeline = pipeline
        s.ttl = ttl
        s.hold = hold
        s.think = think
        if let duration { s.duration = duration }
        if let warmup { s.warmup = warmup }
        s.requests = requests
        s.rate = rate
        s.arrivals = arrivals
        s.redlockNodes = redlockNodes
        s.driftFactor = driftFactor
        s.driftFixed = driftFixed
        s.waitTimes.fixedDelay = fixedDelay
        s.waitTimes.backoffBase = backoffBase
        s.waitTimes.backoffCap = backoffCap
        s.waitTimes.fallback = fallback
        s.clockSkew = clockSkew
        s.acquireTimeout = acquireTimeout
        s.commandTimeout = commandTimeout
        s.servers = servers
        s.unix = unix
        s.topology = topology
        s.clusterSeeds = clusterSeeds
        s.sentinels = sentinels
        s.masterName = masterName
        s.sentinelUser = sentinelUser
        s.sentinelPassword = sentinelPasswordEnv.map { .environment(variable: $0) } ?? sentinelPasswordFile.map { .file(path: $0) }
        s.user = user
        s.password = passwordEnv.map { .environment(variable: $0) } ?? passwordFile.map { .file(path: $0) }
        s.db = db
        if tls { s.tls = TLSOptions(caFile: cacert, certFile: cert, keyFile: key, serverName: tlsServerName, insecure: tlsInsecure) }
        s.seed = seed
        s.queues = queues
        s.replyWait = replyWait
        return s
    }

    /// The validated scenario (client: the first of `--client`), with `defaults` applied first to
    /// settings the flags left alone.
    func scenario(defaults: (inout ScenarioSettings) -> Void = { _ in }) throws -> Scenario {
        if passwordEnv != nil && passwordFile != nil {
            throw ValidationError("--password-env and --password-file are alternatives: give one.")
        }
        if !tls, let flag = tlsOnlyFlag {
            throw ValidationError("\(flag) is a TLS setting: add --tls (or drop \(flag)).")
        }
        if sentinelPasswordEnv != nil && sentinelPasswordFile != nil {
            throw ValidationError("--sentinel-password-env and --sentinel-password-file are alternatives: give one.")
        }
        var s = ScenarioSettings()
        defaults(&s)
        s = settings(over: s)
        do { return try s.scenario(client: clients[0]) } catch { throw ValidationError(error.description) }
    }

    /// The clients to run: `--client both --tls` runs native only (`droppedForTLS` says why); an etcd or
    /// ZooKeeper run has one client, lockbench's own (`--client hiredis` is refused by validation).
    var clients: [RedisClientKind] {
        if settings.namesStore { return client == .both ? [.native] : client.clients }
        guard tls, client == .both else { return client.clients }
        return client.clients.filter { $0.tlsRefusal == nil }
    }

    /// For `--client both --tls`, the line saying which client was left out and why.
    var droppedForTLS: String? {
        guard tls, client == .both else { return nil }
        let dropped = client.clients.compactMap { kind in kind.tlsRefusal.map { "\(kind) left out: \($0)" } }
        return dropped.isEmpty ? nil : "--client both --tls runs native only (\(dropped.joined(separator: "; ")))."
    }

    /// The first TLS-only flag given, for refusing it without `--tls`.
    var tlsOnlyFlag: String? {
        let given: [(String, Bool)] = [
            ("--cacert", cacert != nil), ("--cert", cert != nil), ("--key", key != nil),
            ("--tls-server-name", tlsServerName != nil), ("--tls-insecure", tlsInsecure),
        ]
        return given.first { $0.1 }?.0
    }
}
