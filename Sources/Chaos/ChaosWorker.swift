import Foundation
import Locks
import POSIX
import RedisConnection
#if canImport(Glibc)
import Glibc
#endif

/// What a `bench chaos-worker` process does, passed as one JSON argument.
public struct ChaosWorkerConfig: Codable, Sendable, Hashable {
    /// The lock to take.
    public var spec: LockSpec
    /// The client to take it with.
    public var client: RedisClientKind
    /// The lock servers (`host:port`), one per Redlock master.
    public var lockServers: [String]
    /// The server holding the protected resource.
    public var resourceServer: String
    public var key: String
    /// The resource hash the worker writes.
    public var resourceKey: String

    public init(spec: LockSpec, client: RedisClientKind, lockServers: [String], resourceServer: String, key: String, resourceKey: String) {
        self.spec = spec
        self.client = client
        self.lockServers = lockServers
        self.resourceServer = resourceServer
        self.key = key
        self.resourceKey = resourceKey
    }
}

/// The worker's side of the pause scenario, a holder in a process of its own, so the pause can be a real
/// SIGSTOP of a real process. It talks in lines:
///
/// - out `GRANTED <fence|-> <valid-until-monotonic-ns>`: it holds the lock and wrote the resource once;
/// - in `WRITE`: it writes the resource again, as a holder back from a pause would;
/// - out `WROTE accepted|rejected`, then `RELEASED <outcome>`, and it exits 0;
/// - out `ERROR <what>` and exit 1 on any failure; EOF on stdin (the parent died) exits 3 at once.
public enum ChaosWorker {
    /// Runs the worker; returns the exit code.
    public static func run(configJSON: String) async -> Int32 {
        guard let data = configJSON.data(using: .utf8), let config = try? JSONDecoder().decode(ChaosWorkerConfig.self, from: data) else {
            emit("ERROR cannot read --config: expected ChaosWorkerConfig JSON")
            return 1
        }
        let commands = StdinLines.start()
        do {
            return try await hold(config, commands: commands)
        } catch {
            emit("ERROR \(error)")
            return 1
        }
    }

    private static func hold(_ config: ChaosWorkerConfig, commands: AsyncStream<String>) async throws -> Int32 {
        let endpoints = try config.lockServers.map { try Endpoint(parsing: $0) }
        let context = try await LockSessions.open(spec: config.spec, client: config.client, endpoints: endpoints,
                                                  label: "worker", seed: UInt64(getpid()))
        let resourceConnection = try await LockSessions.connector(config.client).connect(to: try Endpoint(parsing: config.resourceServer))
        defer { resourceConnection.close() }
        let store = ResourceStore(connection: resourceConnection)
        let locker = await LockSessions.locker(context)
        guard let grant = await locker.acquire(key: config.key, timeoutMs: 5_000).grant else {
            await LockSessions.close(context)
            emit("ERROR not granted \(config.key)")
            return 1
        }
        guard case .success(true) = await store.write(key: config.resourceKey, fence: grant.fencingToken, value: "worker-1") else {
            await LockSessions.close(context)
            emit("ERROR first write refused")
            return 1
        }
        let validUntil = grant.validUntilNanos(algorithm: config.spec.algorithm)
        emit("GRANTED \(grant.fencingToken.map(String.init) ?? "-") \(validUntil)")
        var iterator = commands.makeAsyncIterator()
        guard await iterator.next() == "WRITE" else { exit(3) }
        switch await store.write(key: config.resourceKey, fence: grant.fencingToken, value: "worker-2") {
        case .success(let accepted): emit("WROTE \(accepted ? "accepted" : "rejected")")
        case .failure(let failure): emit("WROTE error \(failure)")
        }
        let report = await locker.release(grant)
        emit("RELEASED \(report.outcome)")
        await LockSessions.close(context)
        return 0
    }

    /// One line to stdout, unbuffered: the parent waits for it while we wait for its answer.
    static func emit(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }
}

/// Lines from stdin on a thread of its own; EOF ends the process, since it means the parent is gone.
enum StdinLines {
    static func start() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream<String>.makeStream()
        let thread = Thread {
            var pending: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 256)
            while true {
                let result = buffer.withUnsafeMutableBytes { raw in retryingEINTR { read(STDIN_FILENO, raw.baseAddress, raw.count) } }
                guard case .success(let n) = result, n > 0 else { exit(3) }
                pending += buffer[0..<n]
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    continuation.yield(String(decoding: pending[..<newline], as: UTF8.self))
                    pending.removeSubrange(...newline)
                }
            }
        }
        thread.name = "lockbench.chaos.worker-stdin"
        thread.start()
        return stream
    }
}
