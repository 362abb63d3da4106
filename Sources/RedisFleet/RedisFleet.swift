import Foundation
import RedisConnection
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import POSIX

/// Real `redis-server` processes that one run or one test starts, breaks on purpose, and stops.
///
/// Each node has its own temp directory, config file (mode 0600, the only place secrets go),
/// log and, for `.unix`, socket. Nothing is persisted (`save ""`, `appendonly no`), so a restart
/// always comes back empty. The fleet never leaks a process: `stop()` ends them gracefully,
/// `deinit` SIGKILLs whatever is left, a process-wide net kills every child on SIGINT/SIGTERM/SIGHUP
/// and at `exit`, and (through `setpriv --pdeathsig KILL`) the kernel kills them if the harness
/// itself is SIGKILLed.
///
/// All methods may be called from any thread; node state sits behind one `Mutex`.
public final class RedisFleet: Sendable {
    /// Where each node listens, by index; fixed for the fleet's life (restarts reuse them).
    public let endpoints: [Endpoint]
    /// The servers' version, e.g. `7.0.15`, from `redis-server --version`.
    public let redisVersion: String
    /// The fleet's temp directory, holding one directory per node; removed by `stop()`.
    public let directory: String
    /// The options every node was started with (its `description` redacts passwords).
    public let options: RedisServerOptions
    /// The `redis-server` binary the nodes run.
    public let executablePath: String

    private let executable: RedisServerExecutable
    private let layouts: [NodeLayout]
    private let state: Mutex<FleetState>

    private struct NodeRecord: Sendable {
        var pid: pid_t
        var state: NodeState
        var exit: ExitStatus?
    }

    private struct FleetState: Sendable {
        var nodes: [NodeRecord]
        var stopped = false
    }

    private struct Launched: Sendable {
        var endpoint: Endpoint
        var pid: pid_t
    }

    private init(
        endpoints: [Endpoint], pids: [pid_t], directory: String, options: RedisServerOptions,
        executable: RedisServerExecutable, layouts: [NodeLayout]
    ) {
        self.endpoints = endpoints
        self.redisVersion = executable.version
        self.directory = directory
        self.options = options
        self.executablePath = executable.path
        self.executable = executable
        self.layouts = layouts
        self.state = Mutex(FleetState(nodes: pids.map { NodeRecord(pid: $0, state: .running, exit: nil) }))
    }

    deinit {
        // A fleet nobody stopped must not outlive its owner: no graceful wait here, just SIGKILL.
        let (pids, wasStopped) = state.withLock { state -> ([pid_t], Bool) in
            let live = state.nodes.filter { $0.state == .running || $0.state == .paused }.map(\.pid)
            let wasStopped = state.stopped
            state.stopped = true
            return (live, wasStopped)
        }
        for pid in pids { ChildRegistry.killAndReap(pid) }
        if !wasStopped { Self.removeDirectory(directory) }
    }

    /// The number of nodes.
    public var count: Int { endpoints.count }

    // MARK: start

    /// Starts `count` servers in parallel and returns once every one answers PING.
    ///
    /// On any failure the nodes already started are killed, the temp directory is removed, and the
    /// error names the node, its endpoint, and ends with the tail of its log.
    public static func start(count: Int = 1, options: RedisServerOptions = .init()) async throws(FleetError) -> RedisFleet {
        guard count >= 1 else {
            throw FleetError(.invalidArgument, detail: "a fleet needs at least one node, not \(count)")
        }
        for directive in options.extraConfig where !ServerConfigFile.isValidDirectiveName(directive.name) {
            throw FleetError(.invalidArgument, detail: "'\(directive.name)' is not a config directive name",
                             hint: "Use the directive's name alone (letters, digits, '-') and pass its values as arguments.")
        }
        let executable = try await RedisServerExecutable.resolve(override: options.executable)
        ChildRegistry.installOnce()

        let root = try makeRootDirectory(nodeCount: count)
        ChildRegistry.register(directory: root)
        var layouts: [NodeLayout] = []
        for index in 0..<count {
            let layout = NodeLayout(directory: "\(root)/node-\(index)")
            if mkdir(layout.directory, 0o700) != 0 {
                let code = errno
                removeDirectory(root)
                throw FleetError(.fileSystem, node: index, detail: "cannot create \(layout.directory): \(Errno(rawValue: code))", errno: code)
            }
            layouts.append(layout)
        }

        let nodeLayouts = layouts
        let results = await withTaskGroup(of: (Int, Result<Launched, FleetError>).self) { group in
            for index in 0..<count {
                group.addTask {
                    do throws(FleetError) {
                        let launched = try await launchNew(index: index, layout: nodeLayouts[index], executable: executable, options: options)
                        return (index, .success(launched))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var results = [Result<Launched, FleetError>?](repeating: nil, count: count)
            for await (index, result) in group { results[index] = result }
            return results.map { $0! }
        }

        var launched: [Launched] = []
        var firstFailure: FleetError?
        for result in results {
            switch result {
            case .success(let node): launched.append(node)
            case .failure(let error): firstFailure = firstFailure ?? error
            }
        }
        if let firstFailure {
            for node in launched { ChildRegistry.killAndReap(node.pid) }
            removeDirectory(root)
            throw firstFailure
        }
        return RedisFleet(
            endpoints: launched.map(\.endpoint), pids: launched.map(\.pid), directory: root,
            options: options, executable: executable, layouts: layouts)
    }

    /// Launches a node that has no endpoint yet; TCP picks a new free port after "address in use".
    private static func launchNew(
        index: Int, layout: NodeLayout, executable: RedisServerExecutable, options: RedisServerOptions
    ) async throws(FleetError) -> Launched {
        switch options.transport {
        case .unix:
            let endpoint = Endpoint.unix(path: layout.socketPath)
            let pid = try await launch(index: index, layout: layout, endpoint: endpoint, port: nil,
                                       executable: executable, options: options, shouldAbort: { false })
            return Launched(endpoint: endpoint, pid: pid)
        case .tcp:
            let attempts = 5
            var attempt = 1
            while true {
                let port = try FreePort.pick()
                let endpoint = Endpoint.tcp(host: "127.0.0.1", port: port)
                do {
                    let pid = try await launch(index: index, layout: layout, endpoint: endpoint, port: port,
                                               executable: executable, options: options, shouldAbort: { false })
                    return Launched(endpoint: endpoint, pid: pid)
                } catch where error.code == .addressInUse && attempt < attempts {
                    // Someone took the port between our probe bind and redis's bind: pick another.
                    attempt += 1
                }
            }
        }
    }

    /// Writes the config, spawns the server, and waits for its first reply to PING.
    private static func launch(
        index: Int, layout: NodeLayout, endpoint: Endpoint, port: Int?, executable: RedisServerExecutable,
        options: RedisServerOptions, shouldAbort: @escaping @Sendable () -> Bool
    ) async throws(FleetError) -> pid_t {
        let config = ServerConfigFile.render(options: options, layout: layout, port: port)
        do {
            try ServerConfigFile.writeFile(config, to: layout.configPath)
        } catch {
            var error = error
            error.node = index
            error.endpoint = endpoint
            throw error
        }
        // Only what this attempt appends to the logs is evidence about this attempt.
        let offsets = (log: fileSize(layout.logPath), output: fileSize(layout.outputPath))
        var request = ProcessSpawn(
            executable: executable.program, arguments: executable.arguments(configPath: layout.configPath),
            environment: ProcessSpawn.pathOnlyEnvironment())
        // stderr matters: a config error is printed there before redis opens its logfile.
        request.stdout = .appendFile(layout.outputPath)
        // Ctrl-C in a terminal signals the whole foreground process group. Servers in their own group do
        // not see it, so the harness decides when they stop: `bench run` can finish measuring, write
        // partial results, and only then stop them.
        request.ownProcessGroup = true
        let pid: pid_t
        switch await SpawnerThread.shared.perform({ [request] in ChildRegistry.spawn(request) }) {
        case .success(let spawned):
            pid = spawned
        case .failure(let failure):
            throw FleetError(.spawnFailed, node: index, endpoint: endpoint,
                             detail: "\(failure.call): \(failure.errno)",
                             hint: "Check that \(executable.program) is executable.", errno: failure.errno.rawValue)
        }

        let timeoutMs = max(options.startTimeoutMs, 100)
        let deadline = MonotonicClock.nanos() + UInt64(timeoutMs) * 1_000_000
        while true {
            switch ChildRegistry.reap(pid, blocking: false) {
            case .running:
                break
            case .exited(let status):
                let tail = logTail(layout, since: offsets)
                if tail.contains("Address already in use") {
                    throw FleetError(.addressInUse, node: index, endpoint: endpoint,
                                     detail: "another process holds the address",
                                     hint: "Stop whatever listens there; a restart keeps its port, a new fleet picks a free one.", logTail: tail)
                }
                throw FleetError(.exitedDuringStart, node: index, endpoint: endpoint,
                                 detail: "redis-server ended (\(status)) before it answered PING",
                                 hint: "Read the log below; a config directive this redis-server \(executable.version) does not know is a common cause.",
                                 logTail: tail)
            case .notOurs:
                throw FleetError(.exitedDuringStart, node: index, endpoint: endpoint,
                                 detail: "the process was killed during start (all children were killed)")
            }
            if (try? RedisProbe.ping(endpoint, timeoutMs: 200)) != nil {
                return pid
            }
            if Task.isCancelled || shouldAbort() {
                ChildRegistry.killAndReap(pid)
                throw FleetError(Task.isCancelled ? .cancelled : .fleetStopped, node: index, endpoint: endpoint,
                                 detail: "start abandoned before the server answered PING")
            }
            if MonotonicClock.nanos() >= deadline {
                ChildRegistry.killAndReap(pid)
                throw FleetError(.startTimeout, node: index, endpoint: endpoint,
                                 detail: "no reply to PING within \(timeoutMs) ms (pid \(pid) was killed)",
                                 hint: "The machine may be overloaded; raise RedisServerOptions.startTimeoutMs or read the log below.",
                                 logTail: logTail(layout, since: offsets))
            }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
    }

    // MARK: breaking nodes on purpose

    /// A snapshot of every node. Notices nodes that ended on their own (and reaps them).
    public var nodes: [FleetNode] {
        state.withLock { state in
            refreshLocked(&state)
            return state.nodes.indices.map { index in
                let record = state.nodes[index]
                let layout = layouts[index]
                return FleetNode(
                    index: index, endpoint: endpoints[index], pid: record.pid, state: record.state,
                    exitDescription: record.exit?.description, directory: layout.directory,
                    configPath: layout.configPath, logPath: layout.logPath)
            }
        }
    }

    /// The pid of node `index` while it has a process (running or paused), else `nil`.
    public func pid(_ index: Int) -> Int32? {
        checkIndex(index)
        return state.withLock { state in
            refreshLocked(&state)
            let record = state.nodes[index]
            return record.state == .running || record.state == .paused ? record.pid : nil
        }
    }

    /// SIGKILLs node `index` and reaps it: the crash of a master, with no chance to clean up.
    /// Does nothing to a node that has no process.
    public func kill(_ index: Int) {
        checkIndex(index)
        state.withLock { state in
            guard !state.stopped else { return }
            let record = state.nodes[index]
            guard record.state == .running || record.state == .paused else { return }
            if case .exited(let status) = ChildRegistry.killAndReap(record.pid) {
                state.nodes[index].exit = status
            }
            state.nodes[index].state = .killed
        }
    }

    /// SIGSTOPs node `index` and returns once it is stopped: the stand-in for a GC pause or a
    /// frozen VM. Connections still open (the kernel accepts them) but nothing is answered.
    public func pause(_ index: Int) {
        checkIndex(index)
        state.withLock { state in
            guard !state.stopped, state.nodes[index].state == .running else { return }
            switch ChildRegistry.stopAndConfirm(state.nodes[index].pid) {
            case .running:
                state.nodes[index].state = .paused
            case .exited(let status):
                state.nodes[index].state = .exited
                state.nodes[index].exit = status
            case .notOurs:
                state.nodes[index].state = .exited
            }
        }
    }

    /// SIGCONTs a paused node `index`; it then answers what queued up while it was stopped.
    public func resume(_ index: Int) {
        checkIndex(index)
        state.withLock { state in
            guard !state.stopped, state.nodes[index].state == .paused else { return }
            ChildRegistry.send(SIGCONT, to: state.nodes[index].pid)
            state.nodes[index].state = .running
        }
    }

    /// Brings node `index` back on the same port or socket with empty data, and returns once it
    /// answers PING. A running or paused node is SIGKILLed first; a killed or exited one just starts.
    public func restart(_ index: Int) async throws(FleetError) {
        checkIndex(index)
        let endpoint = endpoints[index]
        let layout = layouts[index]
        try state.withLock { state throws(FleetError) in
            guard !state.stopped else {
                throw FleetError(.fleetStopped, node: index, endpoint: endpoint, detail: "cannot restart after stop()",
                                 hint: "Start a new fleet.")
            }
            let record = state.nodes[index]
            guard record.state != .starting else {
                throw FleetError(.busy, node: index, endpoint: endpoint, detail: "a restart of this node is already under way")
            }
            if record.state == .running || record.state == .paused {
                // SIGKILL works on a stopped process too; no SIGCONT needed.
                ChildRegistry.killAndReap(record.pid)
            }
            state.nodes[index].state = .starting
            state.nodes[index].exit = nil
        }
        // Nothing is persisted anyway; this makes "empty" hold even if extraConfig turned saving on.
        for leftover in ["dump.rdb", "appendonly.aof", "appendonlydir"] {
            try? FileManager.default.removeItem(atPath: "\(layout.directory)/\(leftover)")
        }

        var port: Int?
        if case .tcp(_, let tcpPort) = endpoint { port = tcpPort }
        let retryUntil = MonotonicClock.nanos() + 2_000_000_000
        var launchedPID: pid_t?
        var failure: FleetError?
        while launchedPID == nil && failure == nil {
            do {
                launchedPID = try await Self.launch(
                    index: index, layout: layout, endpoint: endpoint, port: port, executable: executable,
                    options: options, shouldAbort: { [self] in state.withLock { $0.stopped } })
            } catch where error.code == .addressInUse && MonotonicClock.nanos() < retryUntil {
                // The port must stay the same, so wait for whoever holds it briefly (another
                // test's client may have been handed it as an ephemeral port) instead of moving.
                try? await Task.sleep(nanoseconds: 100_000_000)
            } catch {
                failure = error
            }
        }

        let outcome: FleetError? = state.withLock { state in
            if let launchedPID, !state.stopped {
                state.nodes[index].pid = launchedPID
                state.nodes[index].state = .running
                return nil
            }
            if let launchedPID { ChildRegistry.killAndReap(launchedPID) }
            state.nodes[index].state = state.stopped ? .stopped : .killed
            return failure ?? FleetError(.fleetStopped, node: index, endpoint: endpoint,
                                         detail: "the fleet was stopped while the node restarted")
        }
        if let outcome { throw outcome }
    }

    // MARK: stop

    /// Stops every node and removes the temp directory. Safe to call more than once.
    ///
    /// Paused nodes are resumed first, since a stopped process cannot act on SIGTERM; each node
    /// then gets SIGTERM and about 2 s to exit before SIGKILL. Every process is reaped.
    public func stop() async {
        let live: [(pid: pid_t, paused: Bool)]? = state.withLock { state in
            guard !state.stopped else { return nil }
            state.stopped = true
            refreshLocked(&state)
            return state.nodes
                .filter { $0.state == .running || $0.state == .paused }
                .map { ($0.pid, $0.state == .paused) }
        }
        guard let live else { return }

        // A restart in flight sees `stopped` on its next poll and kills what it spawned; wait for that.
        let restartDeadline = MonotonicClock.nanos() + 5_000_000_000
        while state.withLock({ $0.nodes.contains { $0.state == .starting } }) && MonotonicClock.nanos() < restartDeadline {
            try? await Task.sleep(nanoseconds: 10_000_000)
        }

        for node in live {
            if node.paused { ChildRegistry.send(SIGCONT, to: node.pid) }
            ChildRegistry.send(SIGTERM, to: node.pid)
        }
        var remaining = Set(live.map(\.pid))
        var statuses: [pid_t: ExitStatus] = [:]
        let deadline = MonotonicClock.nanos() + 2_000_000_000
        while !remaining.isEmpty && MonotonicClock.nanos() < deadline {
            for pid in remaining {
                switch ChildRegistry.reap(pid, blocking: false) {
                case .running: continue
                case .exited(let status): statuses[pid] = status
                case .notOurs: break
                }
                remaining.remove(pid)
            }
            if !remaining.isEmpty { try? await Task.sleep(nanoseconds: 10_000_000) }
        }
        for pid in remaining {
            if case .exited(let status) = ChildRegistry.killAndReap(pid) { statuses[pid] = status }
        }

        state.withLock { state in
            for index in state.nodes.indices {
                if let status = statuses[state.nodes[index].pid] { state.nodes[index].exit = status }
                state.nodes[index].state = .stopped
            }
        }
        Self.removeDirectory(directory)
    }

    // MARK: helpers

    private func checkIndex(_ index: Int) {
        precondition(endpoints.indices.contains(index), "node index \(index) is out of range 0..<\(endpoints.count)")
    }

    /// Marks nodes whose process ended on its own; called with the lock held.
    private func refreshLocked(_ state: inout FleetState) {
        for index in state.nodes.indices where state.nodes[index].state == .running || state.nodes[index].state == .paused {
            switch ChildRegistry.reap(state.nodes[index].pid, blocking: false) {
            case .running:
                break
            case .exited(let status):
                state.nodes[index].state = .exited
                state.nodes[index].exit = status
            case .notOurs:
                state.nodes[index].state = .exited
            }
        }
    }

    private static func makeRootDirectory(nodeCount: Int) throws(FleetError) -> String {
        var base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        // A Unix socket path must fit in sun_path (108 bytes); a long TMPDIR would not leave room.
        let longestSuffix = "/lockbench-XXXXXX/node-\(nodeCount - 1)/redis.sock".utf8.count
        if base.utf8.count + longestSuffix > 100 { base = "/tmp" }
        StaleDirectories.sweep(in: base)
        var template = Array("\(base)/lockbench-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else {
            let code = errno
            throw FleetError(.fileSystem, detail: "cannot create a temp directory in \(base): \(Errno(rawValue: code))",
                             hint: "Check that \(base) exists and is writable, or set TMPDIR.", errno: code)
        }
        let directory = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        StaleDirectories.claim(directory)
        return directory
    }

    private static func removeDirectory(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
        ChildRegistry.unregister(directory: path)
    }

    private static func fileSize(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    /// The last lines the node wrote to its log and to stdout/stderr since `offsets`.
    private static func logTail(_ layout: NodeLayout, since offsets: (log: Int, output: Int)) -> String {
        func tail(_ path: String, from offset: Int) -> String? {
            guard let data = FileManager.default.contents(atPath: path), data.count > offset else { return nil }
            let text = String(decoding: data.dropFirst(offset), as: UTF8.self)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: true).suffix(20)
            return lines.isEmpty ? nil : lines.joined(separator: "\n")
        }
        var parts: [String] = []
        if let log = tail(layout.logPath, from: offsets.log) { parts.append("\(layout.logPath):\n\(log)") }
        if let output = tail(layout.outputPath, from: offsets.output) { parts.append("stdout/stderr:\n\(output)") }
        return parts.isEmpty ? "(the log is empty: \(layout.logPath))" : parts.joined(separator: "\n")
    }
}
