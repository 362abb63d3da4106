import RedisConnection
import RedisFleet
import TestSupport
import Testing

/// The wrong kind of server behind a target flag: refused before anything runs, naming the flag and
/// the fix, exit 2 (the environment, not the usage, is wrong).
@Suite(.serialized) struct ClusterTargetInputTests {
    @Test("--cluster at a standalone server is refused with the fix")
    func clusterAtStandalone() async throws {
        try await withFleet { fleet in
            try await expectRefused(["--cluster", fleet.endpoints[0].description, "--client", "native"],
                                    saying: "--cluster \(fleet.endpoints[0]) is not a Redis Cluster node", fix: "--server")
        }
    }

    @Test("--server at a cluster node is refused with the fix")
    func serverAtClusterNode() async throws {
        try await withCluster { fleet in
            try await expectRefused(["--server", fleet.endpoints[0].description, "--client", "hiredis"],
                                    saying: "--server \(fleet.endpoints[0]) is a Redis Cluster node", fix: "--cluster")
        }
    }

    func expectRefused(_ target: [String], saying message: String, fix: String) async throws {
        let result = try await runBench(["run"] + target + ["--duration", "1s"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.contains("Use \(fix)") || result.stderr.contains("use \(fix)"), "\(result.stderr)")
    }

    @Test("--cluster at a running cluster runs and routes; Redlock with more nodes than primaries is refused")
    func clusterExternal() async throws {
        try await withCluster { fleet in
            let result = try await runBench(["run", "--cluster", fleet.endpoints[1].description, "--duration", "1s", "--warmup", "0s",
                                             "--contenders", "6", "--keys", "3", "--client", "native"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("CROSSSLOT refused (key-naming bug)"), "\(result.stdout)")
            #expect(result.stdout.contains("shard 2 grants/s"), "\(result.stdout)")
            // Redlock's nodes are primaries: more nodes than the cluster has primaries is refused.
            let redlock = try await runBench(["run", "--cluster", fleet.endpoints[0].description, "--algorithm", "redlock",
                                              "--redlock-nodes", "5", "--duration", "1s", "--client", "native"])
            #expect(redlock.status == 2, "\(redlock.stderr)")
            #expect(redlock.stderr.contains("Use --redlock-nodes 3 or fewer"), "\(redlock.stderr)")
        }
    }
}
