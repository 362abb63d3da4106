import Foundation
import RedisConnection
#if canImport(Glibc)
import Glibc
#endif
import POSIX

extension EtcdCluster {
    func dataDirectory(_ member: Int) -> String { "\(directory)/member-\(member)" }
    func outputPath(_ member: Int) -> String { "\(directory)/member-\(member).log" }

    static func url(_ endpoint: Endpoint) -> String { "http://\(endpoint)" }

    /// etcd's flags for `member`: everything on loopback, the whole cluster named up front.
    func arguments(member: Int) -> [String] {
        let initialCluster = peerEndpoints.indices.map { "m\($0)=\(Self.url(peerEndpoints[$0]))" }.joined(separator: ",")
        let client = Self.url(clientEndpoints[member])
        let peer = Self.url(peerEndpoints[member])
        return executable.launchPrefix + [
            executable.path, "--name", "m\(member)", "--data-dir", dataDirectory(member),
            "--listen-client-urls", client, "--advertise-client-urls", client,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
            // Ignored when the data directory already holds a member (a restart), as etcd documents.
            "--initial-cluster", initialCluster, "--initial-cluster-state", "new", "--initial-cluster-token", token,
            "--logger", "zap", "--log-outputs", "stderr", "--log-level", "warn",
        ]
    }

    /// Spawns `member`'s process (its data directory is created by etcd itself, mode 0700).
    func spawn(member: Int) async throws(FleetError) -> pid_t {
        var request = ProcessSpawn(executable: executable.program, arguments: arguments(member: member),
                                   environment: ProcessSpawn.pathOnlyEnvironment())
        request.stdout = .appendFile(outputPath(member))
        // As for redis-server: Ctrl-C is the harness's to handle, which stops the members itself.
        request.ownProcessGroup = true
        switch await SpawnerThread.shared.perform({ [request] in ChildRegistry.spawn(request) }) {
        case .success(let pid):
            return pid
        case .failure(let failure):
            throw FleetError(.spawnFailed, endpoint: clientEndpoints[member],
                             detail: "etcd member \(member): \(failure.call): \(failure.errno)",
                             hint: "Check that \(executable.path) is executable.", errno: failure.errno.rawValue)
        }
    }

    /// Waits until `member` answers `/health` with `"health":"true"` (it has a leader), or fails with
    /// its log tail when it exits or the start timeout passes.
    func waitHealthy(member: Int) async throws(FleetError) {
        let endpoint = clientEndpoints[member]
        let deadline = MonotonicClock.nanos() + UInt64(max(startTimeoutMs, 100)) * 1_000_000
        var lastAnswer = "no answer"
        while true {
            guard let pid = state.withLock({ $0.stopped ? nil : $0.pids[member] }) else {
                throw FleetError(.fleetStopped, endpoint: endpoint, detail: "etcd member \(member): the cluster was stopped during start")
            }
            switch ChildRegistry.reap(pid, blocking: false) {
            case .running:
                break
            case .exited(let status):
                markExited(member: member, pid: pid)
                let tail = logTail(member)
                let inUse = tail.contains("address already in use")
                throw FleetError(inUse ? .addressInUse : .exitedDuringStart, endpoint: endpoint,
                                 detail: "etcd member \(member) ended (\(status)) before it was healthy",
                                 hint: "Read the log below.", logTail: tail)
            case .notOurs:
                throw FleetError(.exitedDuringStart, endpoint: endpoint,
                                 detail: "etcd member \(member) was killed during start (all children were killed)")
            }
            do {
                let answer = try HTTPProbe.get("/health", at: endpoint, timeoutMs: 500)
                if answer.status == 200 && answer.body.contains("\"health\":\"true\"") { return }
                lastAnswer = "HTTP \(answer.status) \(answer.body.prefix(120))"
            } catch {
                lastAnswer = error.detail
            }
            if Task.isCancelled {
                throw FleetError(.cancelled, endpoint: endpoint, detail: "etcd member \(member): start abandoned before it was healthy")
            }
            if MonotonicClock.nanos() >= deadline {
                throw FleetError(.startTimeout, endpoint: endpoint,
                                 detail: "etcd member \(member) was not healthy within \(startTimeoutMs) ms (last /health: \(lastAnswer))",
                                 hint: "The machine may be overloaded, or a member cannot reach its peers; read the log below.",
                                 logTail: logTail(member))
            }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
    }

    func markExited(member: Int, pid: pid_t) {
        state.withLock { state in
            if state.pids[member] == pid, !state.stopped { state.states[member] = .exited }
        }
    }

    /// The last 20 lines `member` wrote to stderr.
    func logTail(_ member: Int) -> String {
        guard let data = FileManager.default.contents(atPath: outputPath(member)) else { return "(no log at \(outputPath(member)))" }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").suffix(20)
        return lines.isEmpty ? "(the log is empty: \(outputPath(member)))" : lines.joined(separator: "\n")
    }
}
