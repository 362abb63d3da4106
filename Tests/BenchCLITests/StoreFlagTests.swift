import TestSupport
import Testing

/// etcd and ZooKeeper targets: every flag a store run cannot use is refused before anything starts,
/// naming the flag and the fix (exit 64).
@Suite("bench run/sweep/chaos store flag validation")
struct StoreFlagTests {
    static let runCases: [(arguments: [String], mentions: [String])] = [
        (["--algorithm", "setnx-px", "--target", "etcd"], ["--algorithm setnx-px", "Redis", "etcd-mutex", "drop --target"]),
        (["--algorithm", "etcd-mutex"], ["--algorithm etcd-mutex", "--target etcd"]),
        (["--algorithm", "etcd-mutex", "--target", "zookeeper"], ["etcd-mutex", "zk-recipe"]),
        (["--target", "etcd", "--wait", "backoff"], ["--wait", "backoff", "watch"]),
        (["--wait", "watch"], ["--wait", "watch", "setnx-px", "backoff"]),
        (["--target", "etcd", "--client", "hiredis"], ["--client hiredis", "drop --client"]),
        (["--target", "etcd", "--tls"], ["--tls", "Redis setting", "etcd"]),
        (["--target", "zookeeper", "--cluster", "127.0.0.1:7000"], ["--cluster", "Redis setting", "ZooKeeper"]),
        (["--target", "etcd", "--sentinel", "127.0.0.1:26379", "--master-name", "m"], ["--sentinel", "Redis setting"]),
        (["--target", "etcd", "--server", "127.0.0.1:6379"], ["--server", "Redis setting"]),
        (["--target", "etcd", "--topology", "cluster:3x0"], ["--topology", "Redis setting"]),
        (["--target", "etcd", "--unix"], ["--unix", "Redis setting"]),
        (["--etcd", "127.0.0.1:2379", "--shard", "0/2", "--seed", "1"], ["--shard 0/2", "unsharded"]),
        (["--target", "zookeeper", "--shards", "2"], ["--shards", "drop --shards"]),
        (["--target", "etcd:2"], ["--target", "etcd:2", "etcd:3"]),
        (["--target", "consul"], ["--target", "consul", "zookeeper:3"]),
        (["--target", "etcd:3", "--etcd", "127.0.0.1:2379"], ["--target etcd:3", "--etcd", "drop one"]),
        (["--target", "zookeeper", "--etcd", "127.0.0.1:2379"], ["--target zookeeper", "--etcd"]),
        (["--etcd", "127.0.0.1:2379", "--zookeeper", "127.0.0.1:2181"], ["--etcd", "--zookeeper", "give one"]),
        (["--etcd", "https://127.0.0.1:2379"], ["--etcd https://127.0.0.1:2379", "http://"]),
        (["--etcd", "http://127.0.0.1:2379/v3"], ["--etcd", "http://127.0.0.1:2379/v3", "host:2379"]),
        (["--etcd", "http://127.0.0.1:2379,"], ["--etcd", "host:port"]),
        (["--zookeeper", "unix:/tmp/zk.sock"], ["--zookeeper", "unix:/tmp/zk.sock"]),
        (["--zookeeper", "127.0.0.1:99999"], ["--zookeeper", "99999"]),
    ]

    @Test("bench run refuses what a store run cannot do (exit 64, naming flag and fix)", arguments: runCases.indices)
    func run(index: Int) async throws {
        let (arguments, mentions) = Self.runCases[index]
        try await expectUsage(["run"] + arguments, mentions)
    }

    static let otherCases: [(arguments: [String], mentions: [String])] = [
        (["sweep", "--target", "etcd", "--algorithm", "zk-recipe", "--contenders", "10"], ["--algorithm 'zk-recipe'", "ZooKeeper", "--target"]),
        (["sweep", "--target", "redis,zookeeper", "--algorithm", "setnx-px", "--contenders", "10"], ["--target 'zookeeper'", "zk-recipe"]),
        (["sweep", "--target", "etcd:5", "--contenders", "10"], ["--target", "etcd:5"]),
        (["chaos", "--algorithm", "etcd-mutex"], ["--algorithm etcd-mutex", "Redis"]),
    ]

    @Test("sweep and chaos refuse store pairs they cannot run (exit 64)", arguments: otherCases.indices)
    func others(index: Int) async throws {
        let (arguments, mentions) = Self.otherCases[index]
        try await expectUsage(arguments, mentions)
    }

    @Test("a sweep over stores pairs each algorithm with its store's targets only")
    func sweepPairs() async throws {
        let result = try await runBench(
            ["sweep", "--dry-run", "--target", "redis,etcd,zookeeper:3", "--algorithm", "setnx-px,etcd-mutex,etcd-lock-rpc,zk-recipe", "--contenders", "10"],
            boundSeconds: 30)
        #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
        let lines = result.stdout.split(separator: "\n").filter { $0.contains("round 1:") }
        #expect(lines.count == 5, "setnx-px × native+hiredis on Redis, two etcd algorithms and zk-recipe on native: \(result.stdout)")
        #expect(lines.allSatisfy { !($0.contains("etcd") && $0.contains("hiredis")) && !($0.contains("zookeeper") && $0.contains("hiredis")) })
        #expect(lines.contains { $0.contains("zookeeper:3") && $0.contains("zk-recipe") })
        #expect(!lines.contains { $0.contains("redis ") && $0.contains("etcd-") })
        #expect(!result.stdout.contains("skip"), "mismatched pairs are not cells, so no skip note: \(result.stdout)")
    }

    func expectUsage(_ arguments: [String], _ mentions: [String]) async throws {
        let result = try await runBench(arguments, boundSeconds: 30)
        #expect(result.status == 64, "bench \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        for word in mentions {
            #expect(result.stderr.contains(word), "stderr lacks '\(word)': \(result.stderr)")
        }
        #expect(result.children.isEmpty, "no server may be started for a usage error")
    }
}
