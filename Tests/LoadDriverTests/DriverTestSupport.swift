import BenchMetrics
import Dispatch
import Locks
import LoadDriver
import RESP
import RedisConnection
import RedisFleet
import Synchronization
import TestSupport

/// The one place these tests build a `Scenario`: small, fast, on the given fleet.
func scenario(
    _ client: RedisClientKind, fleet: RedisFleet, wait: WaitStrategy = .spin, contenders: Int, keys: Int,
    connections: Int = 1, pipeline: Int = 0, hold: TimeDistribution = .fixed(us: 0), mode: LoadMode = .closed,
    durationS: Double = 1, requests: Int? = nil, queues: Int = 1, commandTimeoutMs: Int = 5_000,
    keyDist: KeyDistribution = .fixed, seed: UInt64 = 7
) -> Scenario {
    Scenario(
        client: client, deployment: .standalone(.external(fleet.endpoints)),
        connection: ConnectionSettings(commandTimeoutMs: commandTimeoutMs),
        lock: LockSpec(algorithm: .setnxPX, wait: wait, ttlMs: 10_000),
        contenders: contenders, keys: keys, connections: connections, pipeline: pipeline,
        hold: hold, think: .fixed(us: 0), mode: mode, durationS: durationS, warmupS: 0, requests: requests,
        seed: seed, queues: queues, acquireTimeoutMs: 20_000, keyDist: keyDist)
}

/// Runs `scenario` on `fleet` through the driver, as `bench run` does.
func drive(
    _ scenario: Scenario, fleet: RedisFleet, connector: (any RedisConnector)? = nil, _ test: String = #function
) async throws -> DriverOutcome {
    let run = LoadRun(
        scenario: scenario, connector: connector ?? TestSupport.connector(scenario.client), endpoints: fleet.endpoints,
        connectionOptions: ConnectionOptions(commandTimeoutMs: scenario.connection.commandTimeoutMs), keyPrefix: uniquePrefix(test))
    return try await run.run()
}

/// Wraps a connector so every connection counts its outstanding commands (and, apart, its outstanding
/// `SET`s: setnx-px's acquire attempts) and keeps the high-water marks: what the server actually had
/// in flight from the driver, counted at the connection boundary.
final class CountingConnector: RedisConnector {
    struct Marks: Sendable {
        var outstanding = 0
        var outstandingSET = 0
        var highWater = 0
        var highWaterSET = 0
        var sent = 0
    }

    let inner: any RedisConnector
    let marks = Mutex(Marks())

    init(_ inner: any RedisConnector) { self.inner = inner }

    var kind: RedisClientKind { inner.kind }

    func connect(
        to endpoint: Endpoint, options: ConnectionOptions, queue: DispatchQueue,
        completion: @escaping @Sendable (Result<any RedisConnection, RedisError>) -> Void
    ) {
        inner.connect(to: endpoint, options: options, queue: queue) { result in
            completion(result.map { CountingConnection(inner: $0, owner: self) })
        }
    }

    func sent(isSET: Bool) {
        marks.withLock { m in
            m.sent += 1
            m.outstanding += 1
            m.highWater = max(m.highWater, m.outstanding)
            if isSET {
                m.outstandingSET += 1
                m.highWaterSET = max(m.highWaterSET, m.outstandingSET)
            }
        }
    }

    func answered(isSET: Bool) {
        marks.withLock { m in
            m.outstanding -= 1
            if isSET { m.outstandingSET -= 1 }
        }
    }
}

final class CountingConnection: RedisConnection, @unchecked Sendable {
    // @unchecked: immutable after init; the counts live behind the owner's Mutex.
    let inner: any RedisConnection
    let owner: CountingConnector

    init(inner: any RedisConnection, owner: CountingConnector) {
        self.inner = inner
        self.owner = owner
    }

    var endpoint: Endpoint { inner.endpoint }
    var queue: DispatchQueue { inner.queue }
    var clientName: String { inner.clientName }
    var isOpen: Bool { inner.isOpen }

    func send(_ command: [RedisArgument], completion: @escaping RedisReplyHandler) {
        let isSET = command.first == .string("SET")
        owner.sent(isSET: isSET)
        let owner = owner
        inner.send(command) { reply in
            owner.answered(isSET: isSET)
            completion(reply)
        }
    }

    func send(batch commands: [[RedisArgument]], completion: @escaping @Sendable (Int, RedisReply) -> Void) {
        let kinds = commands.map { $0.first == .string("SET") }
        for isSET in kinds { owner.sent(isSET: isSET) }
        let owner = owner
        inner.send(batch: commands) { index, reply in
            owner.answered(isSET: kinds[index])
            completion(index, reply)
        }
    }

    func send(encoded command: UnsafeRawBufferPointer, to receiver: any RedisReplyReceiver, tag: Int) {
        // "*N\r\n$3\r\nSET\r\n…": the first argument of a RESP array of bulk strings.
        let text = String(decoding: Array(command.prefix(16)), as: UTF8.self)
        let isSET = text.contains("\r\n$3\r\nSET\r\n")
        owner.sent(isSET: isSET)
        inner.send(encoded: command, to: CountingReceiver(inner: receiver, owner: owner, isSET: isSET), tag: tag)
    }

    func setPushHandler(_ handler: RedisPushHandler?) { inner.setPushHandler(handler) }
    func close() { inner.close() }
}

final class CountingReceiver: RedisReplyReceiver, @unchecked Sendable {
    // @unchecked: immutable after init.
    let inner: any RedisReplyReceiver
    let owner: CountingConnector
    let isSET: Bool

    init(inner: any RedisReplyReceiver, owner: CountingConnector, isSET: Bool) {
        self.inner = inner
        self.owner = owner
        self.isSET = isSET
    }

    func receive(_ reply: RedisReply, tag: Int) {
        owner.answered(isSET: isSET)
        inner.receive(reply, tag: tag)
    }
}
