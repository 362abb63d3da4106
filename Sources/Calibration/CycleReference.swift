import RedisConnection

/// redis-benchmark doing the server work of real lock cycles, one command at a time.
///
/// redis-benchmark cannot alternate two commands on one key, and its `__rand_int__` sequence is seeded
/// per run, so a `SET` run and a release run never meet on the same keys, and on a few shared keys most
/// of their commands would fail cheaply. So each run does a cycle's real work: the `SET` run draws from a
/// keyspace so large that nearly every key is new (the lock is granted), and the release run draws from
/// keys filled beforehand with the token it compares (the lock is ours and is deleted). The fractions
/// that did the real work are measured and reported, not assumed.
public struct CycleReference: Sendable {
    /// `SET key token NX PX ttl` per second, and the fraction that created a key.
    public var setPerSecond: Double
    public var setGranted: Double
    /// Compare-and-delete `EVALSHA` per second, and the fraction that deleted a key.
    public var releasePerSecond: Double
    public var releaseDeleted: Double
    /// redis-benchmark's own CPU per `SET` and per release, µs; `nil` where not measured.
    public var setCPUUs: Double?
    public var releaseCPUUs: Double?

    /// One `SET` plus one release per cycle: the cycle rate the server sustains for redis-benchmark.
    public var cyclesPerSecond: Double { 1 / (1 / setPerSecond + 1 / releasePerSecond) }

    /// redis-benchmark's CPU per `SET` + `EVALSHA` pair, µs: a C client's cost of one lock cycle's
    /// commands, the figure a client's CPU per acquire + release cycle is held against.
    public var cpuPerCycleUs: Double? {
        guard let setCPUUs, let releaseCPUUs else { return nil }
        return setCPUUs + releaseCPUUs
    }

    /// Runs both phases with `clients` connections at `pipeline` depth, `requests` commands each.
    ///
    /// - Parameters:
    ///   - connection: fills and counts the release run's keys; every key made lives under `prefix`
    ///     and is deleted before returning.
    ///   - releaseSHA: the SHA-1 of a loaded compare-and-delete script taking (key; token).
    public static func measure(
        executable: String, endpoint: Endpoint, connection: any RedisConnection, clients: Int, pipeline: Int,
        requests: Int, prefix: String, releaseSHA: String, tls: TLSOptions? = nil
    ) async throws -> CycleReference {
        // SET on fresh keys.
        let setPrefix = prefix + "s:"
        let set = try ReferenceBenchmark.run(
            executable: executable, endpoint: endpoint, clients: clients, pipeline: pipeline, requests: requests,
            keyspace: 1_000_000_000, command: ["SET", setPrefix + "__rand_int__", "token", "NX", "PX", "10000"], tls: tls)
        let created = try await connection.deleteKeys(prefix: setPrefix)

        // Release on keys that hold the token: 4 keys per request, so most draws find theirs still there.
        let releasePrefix = prefix + "r:"
        let filled = requests * 4
        _ = try await connection.call("EVAL", .string(Self.fillScript), 0, .string(releasePrefix), .integer(Int64(filled)))
        let release = try ReferenceBenchmark.run(
            executable: executable, endpoint: endpoint, clients: clients, pipeline: pipeline, requests: requests,
            keyspace: filled, command: ["EVALSHA", releaseSHA, "1", releasePrefix + "__rand_int__", "token"], tls: tls)
        let left = try await connection.deleteKeys(prefix: releasePrefix)

        return CycleReference(
            setPerSecond: set.requestsPerSecond, setGranted: min(1, Double(created) / Double(requests)),
            releasePerSecond: release.requestsPerSecond, releaseDeleted: Double(filled - left) / Double(requests),
            setCPUUs: set.cpuPerRequestUs, releaseCPUUs: release.cpuPerRequestUs)
    }

    /// Fills ARGV[1]000000000000 .. ARGV[1]<n-1> (redis-benchmark's 12-digit `__rand_int__`) with `token`.
    static let fillScript = """
        for i = 0, tonumber(ARGV[2]) - 1 do
          redis.call('SET', ARGV[1] .. string.format('%012d', i), 'token')
        end
        return 1
        """
}
