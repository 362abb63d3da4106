import Foundation
import RedisConnection
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import POSIX

extension RedisFleet {
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
        var listener: TLSListener?
        if let tls = options.tls, let certificates, index < tlsEndpoints.count, case .tcp(_, let tlsPort) = tlsEndpoints[index] {
            listener = TLSListener(port: tlsPort, certificates: certificates, clientCertificates: tls.clientCertificates)
        }
        let retryUntil = MonotonicClock.nanos() + 2_000_000_000
        var launchedPID: pid_t?
        var failure: FleetError?
        while launchedPID == nil && failure == nil {
            do {
                launchedPID = try await Self.launch(
                    index: index, layout: layout, endpoint: endpoint, port: port, tls: listener, executable: executable,
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
}
