import Foundation
import RedisConnection
import RedisFleet
import TestSupport
import Testing

/// `bench run`'s TLS flags: usage errors exit 64 before any server starts; a TLS run on embedded
/// servers uses their run CA; a wrong CA, name or kind of port exits 2 with the fix, never hangs.
@Suite("bench run TLS flags")
struct TLSFlagTests {
    /// Run by `FlagValidationTests.refused` with the other usage errors (exit 64, no server started).
    static let usageCases: [(arguments: [String], mentions: [String])] = [
        (["--client", "hiredis", "--tls"], ["--client hiredis --tls", "hiredis 0.14 has no TLS", "hiredis 1.0", "--client native"]),
        (["--cacert", "/etc/hosts"], ["--cacert", "add --tls"]),
        (["--tls-insecure"], ["--tls-insecure", "add --tls"]),
        (["--tls", "--client", "native", "--cacert", "/nonexistent/ca.pem"], ["--cacert", "/nonexistent/ca.pem", "not readable"]),
        (["--tls", "--client", "native", "--cert", "/nonexistent/client.pem"], ["--cert", "/nonexistent/client.pem"]),
        (["--tls", "--client", "native", "--unix"], ["--unix", "TCP"]),
        (["--tls", "--client", "native", "--server", "unix:/tmp/x.sock"], ["--server", "TCP"]),
        (["--tls", "--client", "native", "--key", "/etc/hosts"], ["--key needs --cert"]),
        (["--tls", "--client", "native", "--tls-insecure", "--tls-server-name", "redis.example.com"], ["--tls-insecure", "--tls-server-name"]),
    ]

    @Test("--client both --tls on embedded servers runs native only over TLS, says why, and prints no hiredis column")
    func bothRunsNativeOnly() async throws {
        let result = try await runBench(
            ["run", "--tls", "--duration", "1s", "--warmup", "0.2s", "--contenders", "8", "--keys", "4"], boundSeconds: 90)
        #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("--client both --tls runs native only"), "\(result.stderr)")
        #expect(result.stderr.contains("TLS; run CA"), "\(result.stderr)")
        #expect(result.stdout.contains("native"))
        #expect(!result.stdout.contains("hiredis"), "\(result.stdout)")
        #expect(result.stdout.contains("1 server (embedded) over TLS"), "\(result.stdout)")
        let overlaps = result.stdout.split(separator: "\n").first { $0.hasPrefix("mutex overlaps") }
        #expect(overlaps?.split(separator: " ").last == "0", "\(result.stdout)")
    }

    @Test("--topology sentinel:1x1 --tls finds the primary through TLS sentinels and runs over TLS")
    func sentinelTopology() async throws {
        let result = try await runBench(
            ["run", "--client", "native", "--tls", "--topology", "sentinel:1x1", "--duration", "1s", "--warmup", "0.2s", "--contenders", "4", "--keys", "2"],
            boundSeconds: 120)
        #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
        #expect(result.stdout.contains("found through Sentinel over TLS"), "\(result.stdout)")
    }

    @Test("--topology cluster:3x0 --tls routes over the nodes' TLS ports, with no error and no redirect")
    func clusterTopology() async throws {
        let csv = FileManager.default.temporaryDirectory.appendingPathComponent("tls-cluster-\(UInt32.random(in: 0...UInt32.max)).csv").path
        defer { try? FileManager.default.removeItem(atPath: csv) }
        let result = try await runBench(
            ["run", "--client", "native", "--tls", "--topology", "cluster:3x0", "--duration", "1s", "--warmup", "0.2s",
             "--contenders", "12", "--keys", "6", "--csv", csv],
            boundSeconds: 120)
        #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
        #expect(result.stdout.contains("cluster:3x0: 3 primaries (embedded) over TLS"), "\(result.stdout)")
        let text = try String(contentsOfFile: csv, encoding: .utf8)
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines[0], row = lines[1]
        func cell(_ name: String) -> String { header.firstIndex(of: name).map { row[$0] } ?? "missing" }
        #expect(Int(cell("acquisitions")) ?? 0 > 0)
        #expect(cell("errors") == "0")
        #expect(cell("cluster_moved") == "0" && cell("cluster_crossslot") == "0")
        #expect(cell("shard_grants_per_s").split(separator: ";").count == 3)
    }

    @Test("--tls-insecure runs and the summary says loudly that nothing was verified")
    func insecureIsLoud() async throws {
        let result = try await runBench(
            ["run", "--client", "native", "--tls", "--tls-insecure", "--duration", "1s", "--warmup", "0.2s", "--contenders", "4", "--keys", "2"],
            boundSeconds: 90)
        #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
        #expect(result.stdout.contains("WARNING: --tls-insecure"), "\(result.stdout)")
        #expect(result.stdout.contains("over TLS, NOT VERIFIED"), "\(result.stdout)")
    }

    @Test("against external TLS servers: a wrong CA, a wrong name and the wrong kind of port each exit 2 with the fix")
    func externalFailures() async throws {
        let other = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: other) }
        let stranger = try await TLSCertificates.generate(in: other.path)
        try await withFleet(options: RedisServerOptions(tls: ServerTLS())) { fleet in
            let files = try #require(fleet.certificates)
            let tlsPort = fleet.tlsEndpoints[0].description
            let plainPort = fleet.endpoints[0].description
            let base = ["run", "--client", "native", "--duration", "1s", "--warmup", "0.2s", "--contenders", "2", "--keys", "1"]
            let cases: [(arguments: [String], mentions: [String])] = [
                (["--server", tlsPort, "--tls", "--cacert", stranger.caCertificate], ["TLS failed", "--cacert"]),
                (["--server", tlsPort, "--tls", "--cacert", files.caCertificate, "--tls-server-name", "redis.example.com"],
                 ["hostname mismatch", "redis.example.com", "--tls-server-name"]),
                (["--server", plainPort, "--tls", "--cacert", files.caCertificate], ["plain (non-TLS)"]),
                (["--server", tlsPort], ["if that port serves TLS, add --tls"]),
            ]
            for (arguments, mentions) in cases {
                let result = try await runBench(base + arguments, boundSeconds: 60)
                #expect(result.status == 2, "bench \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
                for word in mentions {
                    #expect(result.stderr.contains(word), "stderr lacks '\(word)': \(result.stderr)")
                }
            }
            let good = try await runBench(base + ["--server", tlsPort, "--tls", "--cacert", files.caCertificate], boundSeconds: 60)
            #expect(good.status == 0, "exit \(good.status): \(good.stderr)")
        }
    }
}
