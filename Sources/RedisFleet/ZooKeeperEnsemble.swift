import Foundation
import POSIX
import RedisConnection
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// ZooKeeper servers the harness owns: one standalone server or a quorum of 3 on loopback, each a JVM
/// in its own process group with its own temp data directory, all removed by `stop()` (or the process
/// safety net, or the kernel through `--pdeathsig` when the harness is killed outright).
///
/// The ensemble runs Debian's `zookeeper` package (`/usr/share/java/zookeeper.jar`) on the installed
/// JRE, with a 200 ms tick by default: session timeouts may then range from 400 ms to 4 s (2 and 20
/// ticks), and an election after a leader's loss settles within a few seconds.
public final class ZooKeeperEnsemble: Sendable {
    /// Each server's client port, `127.0.0.1:<port>`, in server order.
    public let clientEndpoints: [Endpoint]
    /// The tick every session timeout is clamped by (2 to 20 ticks).
    public let tickTimeMs: Int
    /// From the first JVM's spawn until every server served (`srvr` said standalone, leader or follower).
    public let startNanos: UInt64

    let runtime: ZooKeeperRuntime
    let layouts: [ZooKeeperServerLayout]
    let root: String
    private struct State {
        var pids: [pid_t?]
        var paused: [Bool]
        var stopped = false
    }
    private let state: Mutex<State>

    /// The session timeouts the servers grant: a client's request (the lock TTL) is clamped into this
    /// range, 2 to 20 ticks (ZooKeeper's default minSessionTimeout and maxSessionTimeout).
    public var sessionTimeoutRangeMs: ClosedRange<Int> { (2 * tickTimeMs)...(20 * tickTimeMs) }

    /// How many servers the ensemble has (1 or 3).
    public var serverCount: Int { layouts.count }

    private init(runtime: ZooKeeperRuntime, layouts: [ZooKeeperServerLayout], root: String, tickTimeMs: Int, pids: [pid_t], startNanos: UInt64) {
        self.runtime = runtime
        self.layouts = layouts
        self.root = root
        self.tickTimeMs = tickTimeMs
        self.startNanos = startNanos
        self.clientEndpoints = layouts.map(\.clientEndpoint)
        self.state = Mutex(State(pids: pids, paused: pids.map { _ in false }))
    }

    deinit { stop() }

    /// Starts `servers` servers (1, or an odd count for a quorum: 3) and returns once each serves.
    ///
    /// Throws `FleetError.Code.executableNotFound` naming `apt-get install zookeeper` when Java or the
    /// server jar is missing, and `.startTimeout` (with the server's output) when one does not serve in time.
    public static func start(servers: Int = 1, tickTimeMs: Int = 200, startTimeoutMs: Int = 60_000) async throws(FleetError) -> ZooKeeperEnsemble {
        guard servers >= 1, servers % 2 == 1 else {
            throw FleetError(.invalidArgument, detail: "a ZooKeeper ensemble of \(servers) servers", hint: "Use 1 server, or an odd quorum such as 3.")
        }
        let runtime = try ZooKeeperRuntime.locate()
        ChildRegistry.installOnce()
        let root = try RedisFleet.makeRootDirectory(nodeCount: servers)
        ChildRegistry.register(directory: root)
        var pids: [pid_t] = []
        do {
            var layouts: [ZooKeeperServerLayout] = []
            var taken: Set<Int> = []
            func freshPort() throws(FleetError) -> Int {
                while true {
                    let port = try FreePort.pick()
                    if taken.insert(port).inserted { return port }
                }
            }
            for index in 0..<servers {
                layouts.append(ZooKeeperServerLayout(index: index, directory: "\(root)/zk-\(index)", clientPort: try freshPort(),
                                                     quorumPort: try freshPort(), electionPort: try freshPort()))
            }
            for layout in layouts { try layout.writeFiles(peers: layouts, tickTimeMs: tickTimeMs) }
            let began = MonotonicClock.nanos()
            for layout in layouts { pids.append(try await spawn(layout, runtime: runtime)) }
            try await waitServing(layouts, pids: pids, timeoutMs: startTimeoutMs)
            return ZooKeeperEnsemble(runtime: runtime, layouts: layouts, root: root, tickTimeMs: tickTimeMs, pids: pids,
                                     startNanos: MonotonicClock.nanos() - began)
        } catch {
            for pid in pids { ChildRegistry.killGroupAndReap(pid) }
            RedisFleet.removeDirectory(root)
            throw error
        }
    }

    /// Throws what `start` would when the server cannot run here: no `java` on `searchPath` (default:
    /// `PATH`) or no jar at `serverJar` (default: Debian's `/usr/share/java/zookeeper.jar`); the message names `apt-get install zookeeper`. A preflight for
    /// commands that should fail before measuring anything.
    public static func checkInstalled(serverJar: String? = nil, searchPath: String? = nil) throws(FleetError) {
        _ = try ZooKeeperRuntime.locate(serverJar: serverJar, searchPath: searchPath)
    }

    /// SIGKILLs every server's process group and removes the temp directories. Idempotent.
    public func stop() {
        let pids: [pid_t] = state.withLock { state in
            guard !state.stopped else { return [] }
            state.stopped = true
            defer { state.pids = state.pids.map { _ in nil } }
            return state.pids.compactMap { $0 }
        }
        guard !pids.isEmpty || FileManager.default.fileExists(atPath: root) else { return }
        for pid in pids { ChildRegistry.killGroupAndReap(pid) }
        RedisFleet.removeDirectory(root)
    }

    /// The JVM's pid of `server` while it runs (or is paused): for its CPU in `/proc/<pid>/stat`.
    public func pid(server: Int) -> Int32? {
        precondition(layouts.indices.contains(server), "no ZooKeeper server \(server) in an ensemble of \(serverCount)")
        return state.withLock { $0.pids[server] }
    }
}

extension ZooKeeperEnsemble {
    // MARK: faults

    /// SIGKILLs `server`'s process group: a crash, with no chance to close sessions or hand over leadership.
    public func kill(server: Int) {
        let pid: pid_t? = state.withLock { state in
            guard layouts.indices.contains(server), !state.stopped else { return nil }
            defer { state.pids[server] = nil; state.paused[server] = false }
            return state.pids[server]
        }
        if let pid { ChildRegistry.killGroupAndReap(pid) }
    }

    /// Starts `server` again on its ports and data directory (killing it first if it still runs), and
    /// returns once it serves again (rejoined the quorum, for an ensemble).
    public func restart(server: Int, timeoutMs: Int = 60_000) async throws(FleetError) {
        guard layouts.indices.contains(server) else {
            throw FleetError(.invalidArgument, detail: "no ZooKeeper server \(server) in an ensemble of \(serverCount)")
        }
        if state.withLock({ $0.stopped }) {
            throw FleetError(.fleetStopped, detail: "restart of ZooKeeper server \(server) after stop()")
        }
        kill(server: server)
        let pid = try await Self.spawn(layouts[server], runtime: runtime)
        let kept = state.withLock { state in
            guard !state.stopped else { return false }
            state.pids[server] = pid
            return true
        }
        guard kept else {
            ChildRegistry.killGroupAndReap(pid)
            throw FleetError(.fleetStopped, detail: "the ensemble stopped while ZooKeeper server \(server) restarted")
        }
        try await Self.waitServing([layouts[server]], pids: [pid], timeoutMs: timeoutMs)
    }

    /// SIGSTOPs `server` and returns once it is stopped: a GC pause or frozen VM. Its peers and clients
    /// see a silent server until `resume(server:)`.
    public func pause(server: Int) {
        state.withLock { state in
            guard layouts.indices.contains(server), !state.stopped, !state.paused[server], let pid = state.pids[server] else { return }
            if case .running = ChildRegistry.stopAndConfirm(pid) { state.paused[server] = true }
        }
    }

    /// SIGCONTs a paused `server`.
    public func resume(server: Int) {
        state.withLock { state in
            guard layouts.indices.contains(server), !state.stopped, state.paused[server], let pid = state.pids[server] else { return }
            ChildRegistry.send(SIGCONT, to: pid)
            state.paused[server] = false
        }
    }

    /// The index of the server that leads now (a standalone server leads itself), waiting up to
    /// `timeoutMs` for an election under way to finish. Paused and killed servers are not asked.
    public func leaderIndex(timeoutMs: Int = 30_000) async throws -> Int {
        let deadline = MonotonicClock.nanos() + UInt64(timeoutMs) * 1_000_000
        while true {
            let alive = state.withLock { state in layouts.indices.filter { state.pids[$0] != nil && !state.paused[$0] } }
            for index in alive {
                let mode = ZooKeeperFourLetter.mode(of: layouts[index].clientEndpoint, timeoutMs: 500)
                if mode == "leader" || mode == "standalone" { return index }
            }
            if MonotonicClock.nanos() >= deadline {
                throw FleetError(.cluster, detail: "no ZooKeeper server of \(serverCount) said it leads within \(timeoutMs) ms (\(alive.count) running)",
                                 hint: "A quorum needs a majority of servers running and unpaused.")
            }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
    }

    // MARK: processes

    static func spawn(_ layout: ZooKeeperServerLayout, runtime: ZooKeeperRuntime) async throws(FleetError) -> pid_t {
        let arguments = runtime.arguments(configPath: layout.configPath)
        var request = ProcessSpawn(executable: arguments[0], arguments: arguments, environment: ProcessSpawn.pathOnlyEnvironment())
        request.stdout = .appendFile(layout.outputPath)
        // Its own group, as redis-server's: Ctrl-C is the harness's to handle, and a kill reaches the
        // whole group.
        request.ownProcessGroup = true
        switch await SpawnerThread.shared.perform({ [request] in ChildRegistry.spawn(request) }) {
        case .success(let pid): return pid
        case .failure(let failure):
            throw FleetError(.spawnFailed, endpoint: layout.clientEndpoint, detail: "ZooKeeper server \(layout.index): \(failure.call): \(failure.errno)",
                             hint: ZooKeeperRuntime.installHint, errno: failure.errno.rawValue)
        }
    }

    /// Polls `srvr` until every server says standalone, leader or follower. (`ruok` is no readiness
    /// check: it answers `imok` before the server has loaded its database or joined a quorum.)
    static func waitServing(_ layouts: [ZooKeeperServerLayout], pids: [pid_t], timeoutMs: Int) async throws(FleetError) {
        let deadline = MonotonicClock.nanos() + UInt64(max(timeoutMs, 100)) * 1_000_000
        var pending = Set(layouts.indices)
        while !pending.isEmpty {
            for position in pending.sorted() {
                let layout = layouts[position]
                switch ChildRegistry.reap(pids[position], blocking: false) {
                case .running: break
                case .exited(let status):
                    throw FleetError(.exitedDuringStart, endpoint: layout.clientEndpoint,
                                     detail: "ZooKeeper server \(layout.index) ended (\(status)) before it served",
                                     hint: "Read its output below.", logTail: layout.outputTail())
                case .notOurs:
                    throw FleetError(.exitedDuringStart, endpoint: layout.clientEndpoint, detail: "ZooKeeper server \(layout.index) was killed during start")
                }
                if ZooKeeperFourLetter.mode(of: layout.clientEndpoint, timeoutMs: 300) != nil { pending.remove(position) }
            }
            if pending.isEmpty { return }
            if Task.isCancelled {
                throw FleetError(.cancelled, detail: "ZooKeeper start abandoned before every server served")
            }
            if MonotonicClock.nanos() >= deadline {
                let layout = layouts[pending.sorted()[0]]
                throw FleetError(.startTimeout, endpoint: layout.clientEndpoint,
                                 detail: "ZooKeeper server \(layout.index) did not serve within \(timeoutMs) ms",
                                 hint: "The machine may be overloaded (a JVM start is slow on a busy machine); raise startTimeoutMs or read its output below.",
                                 logTail: layout.outputTail())
            }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
    }
}
