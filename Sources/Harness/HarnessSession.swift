import BenchMetrics
import LoadDriver
import RedisConnection
import Synchronization

/// The one layer that turns `Scenario`s into `RunResult`s. A session owns the servers (started once,
/// or provided), the password (read once, at the first connect), the handshake check before anything
/// is measured, Ctrl-C (the run in progress ends early and reports what it measured, marked
/// partial), and the rounds in which clients alternate.
public final class HarnessSession: Sendable {
    /// The servers the scenarios run on.
    public let servers: ServerSet
    let catchesInterrupts: Bool
    let current = Mutex<LoadRun?>(nil)
    let stopReason = Mutex<String?>(nil)
    let options = Mutex<[ConnectionSettings: ConnectionOptions]>([:])
    let sentinelOptions = Mutex<[ConnectionSettings: ConnectionOptions]>([:])
    let checked = Mutex<Set<String>>([])
    let followers = Mutex<[HarnessSession]>([])

    init(servers: ServerSet, catchesInterrupts: Bool) {
        self.servers = servers
        self.catchesInterrupts = catchesInterrupts
    }

    /// Opens a session for `scenarios`: starts the embedded servers they need (unless `servers` is
    /// given) and, with `catchInterrupts`, makes Ctrl-C end the run in progress.
    public static func open(
        for scenarios: [Scenario], servers: ServerSet? = nil, catchInterrupts: Bool = true
    ) async throws(HarnessError) -> HarnessSession {
        let set: ServerSet
        if let servers { set = servers } else {
            set = try await ServerSet.start(for: scenarios)
        }
        let session = HarnessSession(servers: set, catchesInterrupts: catchInterrupts)
        do {
            for scenario in scenarios { try await session.checkHandshake(scenario) }
        } catch {
            await set.stop()
            throw error
        }
        if catchInterrupts {
            Interrupts.route { reason in session.interrupt(reason: reason) }
        }
        return session
    }

    /// Ends the run in progress now (its figures come back marked partial); a later run stops at once.
    public func interrupt(reason: String) {
        stopReason.withLock { if $0 == nil { $0 = reason } }
        current.withLock { $0?.interrupt(reason: reason) }
        for follower in followers.withLock({ $0 }) { follower.interrupt(reason: reason) }
    }

    /// Makes `sessions` stop with this one: a Ctrl-C routed here (one route per process) also ends
    /// their run in progress, as for an A/B comparison whose sides run on sessions of their own.
    public func forwardInterrupts(to sessions: [HarnessSession]) {
        followers.withLock { $0 += sessions }
        // An interrupt that landed before they were added still reaches them.
        if let reason = stopReason.withLock({ $0 }) {
            for session in sessions { session.interrupt(reason: reason) }
        }
    }

    /// Whether `interrupt` was called (by Ctrl-C or the caller).
    public var interrupted: Bool { stopReason.withLock { $0 != nil } }

    /// Stops the servers the session started and gives Ctrl-C back.
    public func close() async {
        if catchesInterrupts { Interrupts.route(to: nil) }
        await servers.stop()
    }

    /// Runs `scenario` once. Keys live under `keyPrefix` and are deleted at the end (`KeyCleanup`).
    /// Throws only when nothing could be measured (servers unreachable, handshake refused, password
    /// unreadable); a run that a dead server or Ctrl-C ended comes back with its figures, marked.
    public func run(
        _ scenario: Scenario, runID: String, keyPrefix: String,
        progress: (@Sendable (ProgressSnapshot) -> Void)? = nil
    ) async throws(HarnessError) -> RunResult {
        let barrier = scenario.shard.map {
            ShardBarrier(shard: $0, prefix: keyPrefix, warmupS: scenario.warmupS, runS: scenario.warmupS + scenario.durationS)
        }
        let clock = ShardClock()
        let (load, endpoints, connector, connection) = try await prepare(
            scenario, keyPrefix: keyPrefix, startGate: barrier.map { shardGate($0, clock: clock) })
        let store = load.store
        // Shards share the prefix: only the last one out may delete it.
        let cleanup: @Sendable () async -> Void = {
            if let store {
                // The store's own cleanup: only what this run made under its prefix.
                try? await store.connector.cleanup(prefix: keyPrefix)
            } else if let barrier {
                // A shard that never passed the barrier created no key; the barrier cleaned its own.
                guard clock.value.withLock({ $0 != nil }) else { return }
                await self.leaveShard(barrier, endpoints: endpoints, connector: connector, options: connection)
            } else {
                await KeyCleanup.run(prefix: keyPrefix, endpoints: endpoints, connector: connector, options: connection)
            }
        }
        current.withLock { $0 = load }
        defer { current.withLock { $0 = nil } }
        // An interrupt that landed between runs still stops this one at once.
        if let reason = stopReason.withLock({ $0 }) { load.interrupt(reason: reason) }
        let measured: DriverOutcome
        do { measured = try await load.run(progress: progress) } catch {
            await cleanup()
            throw HarnessError("\(scenario.client): \(error)")
        }
        await cleanup()
        var result = RunResult(measured: measured, scenario: scenario, endpoints: endpoints, runID: runID, fallbackRedisVersion: servers.redisVersion)
        if let met = clock.value.withLock({ $0 }) {
            result.clockOffset = met.offset
            result.serverWindowStartUs = met.windowStartUs
        }
        if let intervals = measured.grants {
            // Unsharded, the only clock is this machine's: offset 0, and overlaps need no margin.
            let offset = result.clockOffset ?? ClockOffset(offsetUs: 0, uncertaintyUs: 0)
            result.grants = GrantLog(
                shard: scenario.shard?.index ?? 0, shards: scenario.shard?.count ?? 1,
                offsetUs: offset.offsetUs, uncertaintyUs: offset.uncertaintyUs, grants: intervals)
        }
        result.cluster = await ClusterTarget.figures(
            measured, scenario: scenario, endpoints: endpoints, connector: connector, options: connection, keyPrefix: keyPrefix)
        return result
    }

    /// A load run for `scenario`, not yet started, once its servers took the handshake; with what
    /// `run` needs afterwards to clean its keys.
    func prepare(
        _ scenario: Scenario, keyPrefix: String,
        startGate: ((any RedisConnector, [Endpoint], ConnectionOptions) -> StartGate)? = nil
    ) async throws(HarnessError) -> (LoadRun, [Endpoint], any RedisConnector, ConnectionOptions) {
        let connection = try scenarioOptions(scenario)
        try await servers.freshStore(for: scenario.deployment)
        let target = try await runTarget(scenario, options: connection)
        try await checkHandshake(scenario, on: target.endpoints)
        let load = LoadRun(scenario: scenario, connector: target.connector, endpoints: target.endpoints, connectionOptions: connection,
                           keyPrefix: keyPrefix, primaryWatch: target.watch,
                           startGate: startGate?(target.connector, target.endpoints, connection), store: target.store)
        return (load, target.endpoints, target.connector, connection)
    }

    /// Checks once per client, servers and connection settings that the servers take the handshake.
    func checkHandshake(_ scenario: Scenario, on resolved: [Endpoint]? = nil) async throws(HarnessError) {
        let options = try scenarioOptions(scenario)
        let endpoints: [Endpoint]
        if let resolved { endpoints = resolved } else { endpoints = try await runTarget(scenario, options: options).endpoints }
        let key = "\(scenario.client) \(endpoints) \(scenario.connection)"
        guard !checked.withLock({ $0.contains(key) }) else { return }
        if scenario.deployment.store != .redis {
            try await StoreProbe.check(scenario, target: try storeTarget(scenario, connector: ClientConnectors.connector(for: scenario.client)))
            checked.withLock { _ = $0.insert(key) }
            return
        }
        let connector = ClientConnectors.connector(for: scenario.client)
        try await Handshake.check(endpoints, connector: connector, options: options)
        try await ClusterTarget.checkKind(scenario.deployment, endpoints: endpoints, connector: connector, options: options)
        checked.withLock { _ = $0.insert(key) }
    }

    /// The options `scenario` connects with: an embedded server's run certificates filled in when the
    /// scenario asks for TLS.
    func scenarioOptions(_ scenario: Scenario) throws(HarnessError) -> ConnectionOptions {
        var options = try connectionOptions(scenario.connection)
        options.tls = options.tls.map { servers.tlsOptions($0, for: scenario.deployment) }
        return options
    }

    /// The client options for `settings`, the password read the first time only.
    func connectionOptions(_ settings: ConnectionSettings) throws(HarnessError) -> ConnectionOptions {
        if let cached = options.withLock({ $0[settings] }) { return cached }
        do {
            let made = try settings.options()
            options.withLock { $0[settings] = made }
            return made
        } catch {
            throw HarnessError("\(error): \(Handshake.passwordFix)")
        }
    }
}
