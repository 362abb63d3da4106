import RedisConnection

/// etcd's server-side cost, read from each member's `/metrics` (Prometheus text on the client URL):
/// the counterpart of Redis's INFO deltas. Take one before and one after a run; `delta(since:)` divided
/// by the grants gives requests and CPU per acquisition.
public struct EtcdServerStats: Sendable, Hashable {
    /// gRPC calls the members finished (`grpc_server_handled_total`, every service, method and code),
    /// summed over the members read. A stream (watch, keep-alive) counts once, when it ends.
    public var grpcHandled: Double
    /// gRPC calls the members started (`grpc_server_started_total`): counts streams still open too.
    public var grpcStarted: Double
    /// CPU the member processes used, user + system (`process_cpu_seconds_total`), summed.
    public var cpuSeconds: Double
    /// Members that answered.
    public var membersRead: Int
    /// Members that did not (killed or paused during a fault): their figures are missing from the sums,
    /// so a delta across such a read undercounts.
    public var unreachable: [Endpoint]

    public init(grpcHandled: Double = 0, grpcStarted: Double = 0, cpuSeconds: Double = 0, membersRead: Int = 0, unreachable: [Endpoint] = []) {
        self.grpcHandled = grpcHandled
        self.grpcStarted = grpcStarted
        self.cpuSeconds = cpuSeconds
        self.membersRead = membersRead
        self.unreachable = unreachable
    }

    /// Reads every member in `endpoints` (each `GET /metrics` bounded by `timeoutMs`). Throws only
    /// when no member answers, naming the last failure.
    public static func scrape(_ endpoints: [Endpoint], timeoutMs: Int = 2_000) throws(HTTPProbeError) -> EtcdServerStats {
        var stats = EtcdServerStats()
        var lastError: HTTPProbeError?
        for endpoint in endpoints {
            do throws(HTTPProbeError) {
                let answer = try HTTPProbe.get("/metrics", at: endpoint, timeoutMs: timeoutMs)
                guard answer.status == 200 else {
                    throw HTTPProbeError(endpoint: endpoint, path: "/metrics",
                                         detail: "HTTP \(answer.status): is this an etcd client URL? etcd listens on 2379")
                }
                guard let cpu = PrometheusText.sum(of: "process_cpu_seconds_total", in: answer.body) else {
                    throw HTTPProbeError(endpoint: endpoint, path: "/metrics", detail: "no process_cpu_seconds_total: not etcd's metrics")
                }
                stats.cpuSeconds += cpu
                stats.grpcHandled += PrometheusText.sum(of: "grpc_server_handled_total", in: answer.body) ?? 0
                stats.grpcStarted += PrometheusText.sum(of: "grpc_server_started_total", in: answer.body) ?? 0
                stats.membersRead += 1
            } catch {
                lastError = error
                stats.unreachable.append(endpoint)
            }
        }
        if stats.membersRead == 0, let lastError { throw lastError }
        return stats
    }

    /// What was used between `before` and this read. A member restarted in between resets its
    /// counters; the difference is then clamped at 0 rather than gone negative.
    public func delta(since before: EtcdServerStats) -> EtcdServerStats {
        EtcdServerStats(
            grpcHandled: max(0, grpcHandled - before.grpcHandled), grpcStarted: max(0, grpcStarted - before.grpcStarted),
            cpuSeconds: max(0, cpuSeconds - before.cpuSeconds), membersRead: min(membersRead, before.membersRead),
            unreachable: Array(Set(unreachable + before.unreachable)).sorted { $0.description < $1.description })
    }
}
