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
    /// Launches a node that has no endpoint yet; TCP picks a new free port after "address in use".
    static func launchNew(
        index: Int, layout: NodeLayout, executable: RedisServerExecutable, options: RedisServerOptions, ports: PortPolicy,
        tls: (files: TLSCertificates, clients: ServerTLS.ClientCertificates)?
    ) async throws(FleetError) -> Launched {
        switch options.transport {
        case .unix:
            let endpoint = Endpoint.unix(path: layout.socketPath)
            let pid = try await launch(index: index, layout: layout, endpoint: endpoint, port: nil,
                                       executable: executable, options: options, shouldAbort: { false })
            return Launched(endpoint: endpoint, tlsEndpoint: nil, pid: pid)
        case .tcp:
            let attempts = 5
            var attempt = 1
            while true {
                let pick = { () throws(FleetError) -> Int in try ports == .withClusterBus ? FreePort.pickWithClusterBus() : FreePort.pick() }
                let port = try pick()
                let endpoint = Endpoint.tcp(host: "127.0.0.1", port: port)
                var listener: TLSListener?
                if let tls {
                    // With `tls-cluster yes` the cluster bus listens on tls-port + 10000, so that must be free too.
                    let pick = { () throws(FleetError) -> Int in try ports == .withClusterBus ? FreePort.pickWithClusterBus() : FreePort.pick() }
                    var tlsPort = try pick()
                    while tlsPort == port || tlsPort == port + 10_000 || tlsPort + 10_000 == port { tlsPort = try pick() }
                    listener = TLSListener(port: tlsPort, certificates: tls.files, clientCertificates: tls.clients)
                }
                do {
                    let pid = try await launch(index: index, layout: layout, endpoint: endpoint, port: port, tls: listener,
                                               executable: executable, options: options, shouldAbort: { false })
                    return Launched(endpoint: endpoint, tlsEndpoint: listener.map { .tcp(host: "127.0.0.1", port: $0.port) }, pid: pid)
                } catch where error.code == .addressInUse && attempt < attempts {
                    // Someone took the port between our probe bind and redis's bind: pick another.
                    attempt += 1
                }
            }
        }
    }

    /// Writes the config, spawns the server, and waits for its first reply to PING.
    static func launch(
        index: Int, layout: NodeLayout, endpoint: Endpoint, port: Int?, tls: TLSListener? = nil, executable: RedisServerExecutable,
        options: RedisServerOptions, shouldAbort: @escaping @Sendable () -> Bool
    ) async throws(FleetError) -> pid_t {
        let config = ServerConfigFile.render(options: options, layout: layout, port: port, tls: tls)
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

    // MARK: files

    static func makeRootDirectory(nodeCount: Int) throws(FleetError) -> String {
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

    static func removeDirectory(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
        ChildRegistry.unregister(directory: path)
    }

    static func fileSize(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    /// The last lines the node wrote to its log and to stdout/stderr since `offsets`.
    static func logTail(_ layout: NodeLayout, since offsets: (log: Int, output: Int)) -> String {
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
