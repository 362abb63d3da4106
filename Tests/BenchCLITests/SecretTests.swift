import Foundation
import RedisConnection
import RedisFleet
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Passwords reach `bench` only through a file or an environment variable, and it never puts them on
/// a command line, its own or a child's, where `ps` and `/proc` show them to every user.
@Suite("bench run credentials", .serialized)
struct SecretTests {
    enum Source: String, CaseIterable, Sendable { case file = "--password-file", environment = "--password-env" }

    /// What /proc showed while bench ran: the command lines and environments of bench and its descendants.
    final class ProcSightings: Sendable {
        let commandLines = Collector<[String]>()
        let environments = Collector<[String]>()

        /// Reads /proc of `pid` and its descendants until `pid` exits, on a thread of its own.
        func watch(_ pid: Int32) {
            onOwnThread { [self] in
                while !isGone(pid) {
                    for process in [pid] + descendants(of: pid) {
                        if let arguments = commandLine(of: process), !arguments.isEmpty { commandLines.append(arguments) }
                        if let variables = environment(of: process) { environments.append(variables) }
                    }
                    usleep(20_000)
                }
            }
        }
    }

    @Test("a requirepass server: the run succeeds and the password is on no command line", arguments: Source.allCases)
    func requirepass(source: Source) async throws {
        // A password no test string contains by chance; redis-server gets it through its 0600 config file.
        let password = "pw-\(UInt64.random(in: 1...UInt64.max))-\(UUID().uuidString)"
        try await withFleet(options: RedisServerOptions(password: password)) { fleet in
            let endpoint = fleet.endpoints[0]
            // The server really refuses a client without the password, so a success below means bench sent it.
            #expect(try RedisProbe.command(["PING"], at: endpoint).string != "PONG")
            for pid in (0..<fleet.count).compactMap(fleet.pid) {
                #expect(commandLine(of: pid)?.contains { $0.contains(password) } == false, "redis-server's own command line")
            }
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let csv = dir.appendingPathComponent("runs.csv").path
            var arguments = ["run", "--server", endpoint.description, "--client", "both", "--contenders", "8", "--keys", "4",
                             "--duration", "2s", "--warmup", "0", "--csv", csv]
            var environment: [String: String] = [:]
            switch source {
            case .file:
                let file = dir.appendingPathComponent("redis.pw").path
                #expect(FileManager.default.createFile(atPath: file, contents: Data((password + "\n").utf8), attributes: [.posixPermissions: 0o600]))
                arguments += ["--password-file", file]
            case .environment:
                environment["LOCKBENCH_TEST_REDIS_PASSWORD"] = password
                arguments += ["--password-env", "LOCKBENCH_TEST_REDIS_PASSWORD"]
            }
            let sightings = ProcSightings()
            let result = try await runBench(arguments, environment: environment, afterStart: { pid in sightings.watch(pid) })
            #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
            let rows = try CSVFile(path: csv).rows
            #expect(rows.count == 2, "one row per client")
            for row in rows {
                #expect((Int(row["acquisitions"] ?? "") ?? 0) > 0, "\(row["client"] ?? "?") acquired with the password")
                #expect(row["errors"] == "0", "\(row["client"] ?? "?") had errors: \(row["errors"] ?? "?")")
            }
            let lines = sightings.commandLines.items
            #expect(lines.contains { $0.contains("run") }, "bench's own command line was read while it ran")
            for line in lines {
                #expect(!line.contains { $0.contains(password) }, "the password is on a command line: \(line.first ?? "?")")
            }
            if source == .file {
                for variables in sightings.environments.items {
                    #expect(!variables.contains { $0.contains(password) }, "a password read from a file ended up in an environment")
                }
            }
            for output in [result.stdout, result.stderr] {
                #expect(!output.contains(password), "bench printed the password")
            }
        }
    }
}
