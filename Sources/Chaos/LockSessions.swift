import Dispatch
import LoadDriver
import Locks
import Harness
import RedisCluster
import RESP
import RedisConnection
import Synchronization

/// Opening and closing lock contexts for chaos runs: each on a serial queue of its own, so pausing one
/// (suspending its queue) freezes exactly one contender.
enum LockSessions {
    /// The connector for a client kind (the harness's one switch).
    static func connector(_ kind: RedisClientKind) -> any RedisConnector { ClientConnectors.connector(for: kind) }

    private static let sequence = Atomic<UInt64>(0)

    /// A fresh queue and wheel, labelled for diagnostics.
    static func wheel(_ label: String) -> TimerWheel {
        let n = sequence.add(1, ordering: .relaxed).newValue
        return TimerWheel(queue: DispatchQueue(label: "lockbench.chaos.\(label).\(n)"))
    }

    /// Opens a context that needs every server up (and loads the scripts). With `cluster`, `endpoints`
    /// are cluster nodes and each connection routes by slot (its keyless commands, `WAIT` among them,
    /// go to the node it was opened on).
    static func open(
        spec: LockSpec, client: RedisClientKind, endpoints: [Endpoint], label: String, seed: UInt64,
        options: ConnectionOptions = ConnectionOptions(connectTimeoutMs: 1_000), cluster: Bool = false
    ) async throws(ChaosEnvironmentError) -> LockContext {
        let wheel = wheel(label)
        let connector: any RedisConnector = cluster ? ClusterConnector(wrapping: connector(client)) : connector(client)
        do {
            return try await LockContext.open(spec: spec, connector: connector, endpoints: endpoints,
                                              wheel: wheel, seed: seed, options: options)
        } catch {
            wheel.invalidate()
            throw ChaosEnvironmentError(.connect, "\(label): cannot open a \(spec.algorithm) lock on \(endpoints.map(\.description).joined(separator: ", ")): \(error)")
        }
    }

    /// Opens two contexts on the same servers (a holder and its rival), each on its own queue; if the
    /// second cannot open, the first is closed before the error is thrown.
    static func openPair(
        spec: LockSpec, client: RedisClientKind, endpoints: [Endpoint], labels: (String, String), seeds: (UInt64, UInt64)
    ) async throws(ChaosEnvironmentError) -> (LockContext, LockContext) {
        let first = try await open(spec: spec, client: client, endpoints: endpoints, label: labels.0, seed: seeds.0)
        do {
            return (first, try await open(spec: spec, client: client, endpoints: endpoints, label: labels.1, seed: seeds.1))
        } catch {
            await close(first)
            throw error
        }
    }

    /// Opens a context that tolerates servers that are down, as a client that reconnects would: a
    /// server that refuses gets a stand-in connection whose every command fails at once (a failed
    /// Redlock vote). Scripts are not preloaded: a paused server would never answer `SCRIPT LOAD`,
    /// and EVALSHA falls back to EVAL anyway.
    static func openTolerant(
        spec: LockSpec, client: RedisClientKind, endpoints: [Endpoint], label: String, seed: UInt64,
        options: ConnectionOptions
    ) async -> LockContext {
        let wheel = wheel(label)
        var connections: [any RedisConnection] = []
        for endpoint in endpoints.prefix(spec.commandConnections) {
            do {
                connections.append(try await connector(client).connect(to: endpoint, options: options, queue: wheel.queue))
            } catch {
                connections.append(DownConnection(endpoint: endpoint, queue: wheel.queue, error: error, client: client))
            }
        }
        // The spec was validated by the scenario and the connections were made on the wheel's queue,
        // the two things `init` checks.
        return try! LockContext(spec: spec, wheel: wheel, connections: connections, seed: seed)
    }

    /// Closes a context and its wheel.
    static func close(_ context: LockContext) async {
        await context.onQueue {
            context.close()
            context.wheel.invalidate()
        }
    }

    /// Whether every command connection of `context` can still send.
    static func allOpen(_ context: LockContext) async -> Bool {
        await context.onQueue { context.connections.allSatisfy(\.isOpen) }
    }

    /// A new contender on `context`.
    static func locker(_ context: LockContext, clockOffsetMs: Int64 = 0) async -> Locker {
        await context.onQueue { context.makeLocker(clockOffsetMs: clockOffsetMs) }
    }
}
