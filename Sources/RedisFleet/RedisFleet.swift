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
    /// Where each node serves TLS, by index, when `options.tls` is set (else empty). `endpoints` stay
    /// the plain ports, which the fleet's own probes use; a TLS client must be given these.
    public let tlsEndpoints: [Endpoint]
    /// The CA and certificates the nodes serve with `options.tls`; a client trusts `caCertificate`
    /// (`certificates.clientOptions` is a ready TLS configuration).
    public let certificates: TLSCertificates?

    let executable: RedisServerExecutable
    let layouts: [NodeLayout]
    let state: Mutex<FleetState>

    struct NodeRecord: Sendable {
        var pid: pid_t
        var state: NodeState
        var exit: WaitStatus?
    }

    struct FleetState: Sendable {
        var nodes: [NodeRecord]
        var stopped = false
        /// Set by `startCluster`, and updated by the cluster fault helpers after they change it.
        var cluster: ClusterLayout?
    }

    struct Launched: Sendable {
        var endpoint: Endpoint
        var tlsEndpoint: Endpoint?
        var pid: pid_t
    }

    private init(
        launched: [Launched], directory: String, options: RedisServerOptions,
        executable: RedisServerExecutable, layouts: [NodeLayout], certificates: TLSCertificates?
    ) {
        self.endpoints = launched.map(\.endpoint)
        self.tlsEndpoints = launched.compactMap(\.tlsEndpoint)
        self.certificates = certificates
        self.redisVersion = executable.version
        self.directory = directory
        self.options = options
        self.executablePath = executable.path
        self.executable = executable
        self.layouts = layouts
        self.state = Mutex(FleetState(nodes: launched.map { NodeRecord(pid: $0.pid, state: .running, exit: nil) }))
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

    /// Where a peer (a replica, a Sentinel, a cluster node) or a client reaches each node, and so what
    /// Sentinels and clusters announce: the TLS ports when the fleet serves TLS, else `endpoints`.
    public var announcedEndpoints: [Endpoint] { tlsEndpoints.isEmpty ? endpoints : tlsEndpoints }

    /// The plain endpoint `RedisProbe` can use for the node announced at `announced`; `announced`
    /// itself when it is not one of this fleet's TLS ports.
    public func probeEndpoint(for announced: Endpoint) -> Endpoint {
        guard let index = tlsEndpoints.firstIndex(of: announced) else { return announced }
        return endpoints[index]
    }

    // MARK: start

    /// Starts `count` servers in parallel and returns once every one answers PING.
    ///
    /// On any failure the nodes already started are killed, the temp directory is removed, and the
    /// error names the node, its endpoint, and ends with the tail of its log.
    public static func start(count: Int = 1, options: RedisServerOptions = .init()) async throws(FleetError) -> RedisFleet {
        try await start(count: count, options: options, ports: .any)
    }

    /// Which TCP ports a start may pick.
    enum PortPolicy: Sendable, Hashable {
        case any
        /// Cluster nodes also bind `port + 10000` for the cluster bus.
        case withClusterBus
    }

    static func start(count: Int, options: RedisServerOptions, ports: PortPolicy) async throws(FleetError) -> RedisFleet {
        guard count >= 1 else {
            throw FleetError(.invalidArgument, detail: "a fleet needs at least one node, not \(count)")
        }
        for directive in options.extraConfig where !ServerConfigFile.isValidDirectiveName(directive.name) {
            throw FleetError(.invalidArgument, detail: "'\(directive.name)' is not a config directive name",
                             hint: "Use the directive's name alone (letters, digits, '-') and pass its values as arguments.")
        }
        if options.tls != nil && options.transport != .tcp {
            throw FleetError(.invalidArgument, detail: "TLS needs TCP: redis-server serves TLS on a tls-port only, not on a Unix socket",
                             hint: "Drop --unix (or TLS).")
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

        var certificates = options.tls?.certificates
        if options.tls != nil && certificates == nil {
            let tlsDirectory = "\(root)/tls"
            do throws(FleetError) {
                guard mkdir(tlsDirectory, 0o700) == 0 else {
                    throw FleetError(.fileSystem, detail: "cannot create \(tlsDirectory): \(Errno(rawValue: errno))")
                }
                certificates = try await TLSCertificates.generate(in: tlsDirectory)
            } catch {
                removeDirectory(root)
                throw error
            }
        }
        let listener = options.tls.flatMap { tls in certificates.map { (files: $0, clients: tls.clientCertificates) } }

        let nodeLayouts = layouts
        let results = await withTaskGroup(of: (Int, Result<Launched, FleetError>).self) { group in
            for index in 0..<count {
                group.addTask {
                    do throws(FleetError) {
                        let launched = try await launchNew(
                            index: index, layout: nodeLayouts[index], executable: executable, options: options, ports: ports, tls: listener)
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
            launched: launched, directory: root, options: options, executable: executable, layouts: layouts, certificates: certificates)
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
        var statuses: [pid_t: WaitStatus] = [:]
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

    func checkIndex(_ index: Int) {
        precondition(endpoints.indices.contains(index), "node index \(index) is out of range 0..<\(endpoints.count)")
    }

    /// Marks nodes whose process ended on its own; called with the lock held.
    func refreshLocked(_ state: inout FleetState) {
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
}
