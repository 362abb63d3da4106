import Foundation
import POSIX
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `bench run --shards N`'s children: this binary once per shard, each in its own process group (so
/// Ctrl-C at the terminal reaches the parent alone, which forwards it), each killed by the kernel
/// when the parent dies (`ProcessSpawn.deathSignalPrefix`, spawned from `SpawnerThread`).
final class ShardProcesses: Sendable {
    /// One child's argv (after the executable) and the file its stdout and stderr go to.
    struct Child: Sendable {
        var arguments: [String]
        var log: String
    }

    private let pids: [pid_t]
    private let statuses: Mutex<[pid_t: WaitStatus]> = Mutex([:])

    private init(pids: [pid_t]) { self.pids = pids }

    /// Starts every child; on a failed spawn, those already started are interrupted and reaped.
    static func start(executable: String, children: [Child]) async throws(ShardSpawnError) -> ShardProcesses {
        var pids: [pid_t] = []
        for child in children {
            let argv = ProcessSpawn.deathSignalPrefix + [executable] + child.arguments
            var request = ProcessSpawn(executable: argv[0], arguments: argv, environment: Self.childEnvironment())
            request.stdout = .appendFile(child.log)
            request.stderr = .sameAsStdout
            request.ownProcessGroup = true
            let spawned = await SpawnerThread.shared.perform { [request] in request.spawn() }
            switch spawned {
            case .success(let pid): pids.append(pid)
            case .failure(let failure):
                let started = ShardProcesses(pids: pids)
                started.signal(SIGKILL)
                _ = await started.wait()
                throw ShardSpawnError(description: "cannot start shard \(pids.count) (\(executable)): \(failure). Is the bench binary still there?")
            }
        }
        return ShardProcesses(pids: pids)
    }

    /// This process's environment without the Indexed Job's variables (a child is told its shard by
    /// flag), so a password named by `--password-env` still reaches the children.
    static func childEnvironment() -> [String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("JOB_COMPLETION") }.map { "\($0.key)=\($0.value)" }
    }

    /// Sends `signal` to every child not yet reaped.
    func signal(_ signal: Int32) {
        // Under the lock: a reaped pid may already belong to another process.
        statuses.withLock { reaped in
            for pid in pids where reaped[pid] == nil { kill(pid, signal) }
        }
    }

    /// Waits for every child; their exit statuses in start order.
    func wait() async -> [WaitStatus] {
        await withTaskGroup(of: Void.self) { group in
            for pid in pids {
                group.addTask { await self.reap(pid) }
            }
        }
        return statuses.withLock { s in pids.map { s[$0] ?? WaitStatus(raw: 0) } }
    }

    private func reap(_ pid: pid_t) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let thread = Thread { [self] in
                WaitStatus.awaitExit(pid) {
                    statuses.withLock { $0[pid] = WaitStatus.reap(pid) }
                }
                continuation.resume()
            }
            thread.name = "lockbench.shard-waiter"
            thread.start()
        }
    }
}

/// A shard process that could not be started.
struct ShardSpawnError: Error, CustomStringConvertible {
    var description: String
}
