import Foundation
import RedisConnection
import Synchronization
#if canImport(Glibc)
import Glibc
#endif
import POSIX

/// Real `etcd` members (1 or a 3-member Raft cluster) on loopback, started, broken on purpose and
/// stopped by one run or one test.
///
/// Each member has its own temp data directory, removed by `stop()`; `restart` keeps it, so a
/// restarted member rejoins with its log. The same nets as `RedisFleet` keep processes from outliving
/// their owner: `deinit` SIGKILLs, the process-wide registry kills on SIGINT/SIGTERM/SIGHUP and at
/// `exit`, and `setpriv --pdeathsig KILL` lets the kernel kill them if the harness is SIGKILLed.
///
/// All methods may be called from any thread; member state sits behind one `Mutex`.
public final class EtcdCluster: Sendable {
    /// Where each member serves gRPC (and `/health`, `/metrics`), by index; fixed across restarts.
    public let clientEndpoints: [Endpoint]
    /// Where each member talks Raft to the others.
    public let peerEndpoints: [Endpoint]
    /// The cluster's temp directory (one `member-N` data directory each); removed by `stop()`.
    public let directory: String
    /// The `etcd` binary the members run.
    public let executablePath: String

    let executable: EtcdExecutable
    let token: String
    let startTimeoutMs: Int
    let state: Mutex<State>

    struct State: Sendable {
        var pids: [pid_t]
        var states: [NodeState]
        var stopped = false
    }

    /// How many members the cluster has.
    public var memberCount: Int { clientEndpoints.count }

    init(clientEndpoints: [Endpoint], peerEndpoints: [Endpoint], directory: String, executable: EtcdExecutable,
         token: String, startTimeoutMs: Int, pids: [pid_t]) {
        self.clientEndpoints = clientEndpoints
        self.peerEndpoints = peerEndpoints
        self.directory = directory
        self.executablePath = executable.path
        self.executable = executable
        self.token = token
        self.startTimeoutMs = startTimeoutMs
        self.state = Mutex(State(pids: pids, states: pids.map { _ in .running }))
    }

    /// Starts `members` (1 or 3) etcd members on free loopback ports and returns once every member
    /// reports healthy (`/health`: it has a leader and serves).
    ///
    /// `executable` overrides `etcd` on `PATH` (a path or a name). A missing binary throws
    /// `FleetError.Code.executableNotFound` naming `apt-get install etcd-server`.
    public static func start(
        members: Int, executable: String? = nil, searchPath: String? = nil, startTimeoutMs: Int = 30_000
    ) async throws(FleetError) -> EtcdCluster {
        guard members == 1 || members == 3 else {
            throw FleetError(.invalidArgument, detail: "an etcd cluster here has 1 or 3 members, not \(members)",
                             hint: "Use 1 (a single member) or 3 (a Raft cluster that survives one loss).")
        }
        let etcd = try EtcdExecutable.locate(override: executable, searchPath: searchPath)
        ChildRegistry.installOnce()
        var attempt = 1
        while true {
            do throws(FleetError) {
                return try await startOnce(members: members, executable: etcd, startTimeoutMs: startTimeoutMs)
            } catch where error.code == .addressInUse && attempt < 5 {
                // Another process took a probed port before etcd bound it: new ports, new directories.
                attempt += 1
            }
        }
    }

    private static func startOnce(members: Int, executable: EtcdExecutable, startTimeoutMs: Int) async throws(FleetError) -> EtcdCluster {
        let root = try RedisFleet.makeRootDirectory(nodeCount: members)
        ChildRegistry.register(directory: root)
        var clients: [Endpoint] = []
        var peers: [Endpoint] = []
        do throws(FleetError) {
            var taken: Set<Int> = []
            while clients.count < members {
                let client = try FreePort.pick()
                let peer = try FreePort.pick()
                guard client != peer, taken.insert(client).inserted, taken.insert(peer).inserted else { continue }
                clients.append(.tcp(host: "127.0.0.1", port: client))
                peers.append(.tcp(host: "127.0.0.1", port: peer))
            }
        } catch {
            RedisFleet.removeDirectory(root)
            throw error
        }
        let token = "lockbench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let cluster = EtcdCluster(clientEndpoints: clients, peerEndpoints: peers, directory: root, executable: executable,
                                  token: token, startTimeoutMs: startTimeoutMs, pids: [])
        var pids: [pid_t] = []
        do throws(FleetError) {
            // Every member must be up before any can elect a leader, so all are spawned before waiting.
            for index in 0..<members {
                pids.append(try await cluster.spawn(member: index))
            }
            cluster.state.withLock { state in
                state.pids = pids
                state.states = pids.map { _ in .running }
            }
            for index in 0..<members {
                try await cluster.waitHealthy(member: index)
            }
        } catch {
            cluster.stop()
            for pid in pids { ChildRegistry.killAndReap(pid) }
            RedisFleet.removeDirectory(root)
            throw error
        }
        return cluster
    }

    /// SIGKILLs every member and removes the data directories. Idempotent.
    ///
    /// No graceful stop: the data is the run's alone and is deleted anyway, and a member waiting on a
    /// lost quorum can take seconds to end on SIGTERM.
    public func stop() {
        let pids: [pid_t] = state.withLock { state in
            guard !state.stopped else { return [] }
            state.stopped = true
            state.states = state.states.map { _ in .stopped }
            return state.pids
        }
        for pid in pids { ChildRegistry.killAndReap(pid) }
        if !pids.isEmpty || FileManager.default.fileExists(atPath: directory) {
            RedisFleet.removeDirectory(directory)
        }
    }

    deinit { stop() }
}
