import TestSupport
import Chaos
import Foundation
import Reports
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `bench chaos` as a user runs it: exit codes and the JSON it writes.
@Suite("bench chaos command", .serialized)
struct CommandLineTests {
    /// Runs `bench` with stdout and stderr in files; the bound only stops a broken build from hanging the suite.
    static func bench(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let executable = try #require(benchExecutable, "build the bench product first (swift build --build-tests)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lockbench-chaos-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("stdout").path
        let err = directory.appendingPathComponent("stderr").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let arguments: [String] = [executable] + arguments
        let environment: [String] = ["PATH=\(path)", "CI=1"]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else {
            Issue.record("posix_spawn \(executable): \(String(cString: strerror(rc)))")
            return (-1, "", "")
        }
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(120)
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                Issue.record("bench \(arguments.joined(separator: " ")) did not finish")
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (code, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "", (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    @Test("a confirmed run exits 0, prints the table and writes [SafetyRow] JSON")
    func confirmedRun() async throws {
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("lockbench-chaos-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: json) }
        let result = try await Self.bench(["chaos", "--scenario", "client-pause", "--algorithm", "fenced", "--trials", "1", "--json", json])
        #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
        let rows = try SafetyFiles.readJSON(json)
        #expect(rows.map(\.variant) == ["in-process", "sigstop-worker"], "the worker variant runs from the real binary")
        #expect(rows.allSatisfy { $0.confirmed && $0.staleWritesRejected == 1 })
        #expect(result.stdout.contains("overlap; stale write rejected"))
    }

    @Test("usage errors exit 64 and say what to use", arguments: [
        ["chaos", "--scenario", "meteor-strike"],
        ["chaos", "--scenario", "redlock-restart", "--algorithm", "setnx-px"],
        ["chaos", "--client", "java"],
        ["chaos", "--trials", "0"],
    ])
    func usage(arguments: [String]) async throws {
        let result = try await Self.bench(arguments)
        #expect(result.status == 64, "exit \(result.status): \(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }
}
