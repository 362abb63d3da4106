import Foundation
import RESP
import RedisConnection
import TestSupport
import Testing
@testable import RedisFleet
#if canImport(Glibc)
import Glibc
#endif

/// Each test starts its own fleet, so they may run in parallel. Timeouts only bound hangs;
/// nothing asserts on how long anything took.
@Suite("RedisFleet")
struct RedisFleetTests {
    @Test("three TCP nodes start and each answers PING")
    func threeTCPNodes() async throws {
        let fleet = try await RedisFleet.start(count: 3)
        #expect(fleet.endpoints.count == 3)
        #expect(Set(fleet.endpoints).count == 3)
        for endpoint in fleet.endpoints {
            guard case .tcp(let host, _) = endpoint else {
                Issue.record("expected a TCP endpoint, got \(endpoint)")
                continue
            }
            #expect(host == "127.0.0.1")
            #expect(try RedisProbe.ping(endpoint, timeoutMs: 2_000) == "+PONG")
        }
        #expect(fleet.nodes.allSatisfy { $0.state == .running })
        #expect(fleet.redisVersion.split(separator: ".").count == 3)
        await fleet.stop()
    }

    @Test("a Unix-socket node starts in its own directory and answers PING")
    func unixNode() async throws {
        let fleet = try await RedisFleet.start(count: 1, options: .init(transport: .unix))
        let node = try #require(fleet.nodes.first)
        guard case .unix(let path) = node.endpoint else {
            Issue.record("expected a Unix endpoint, got \(node.endpoint)")
            return
        }
        #expect(path.hasPrefix(node.directory + "/"))
        #expect(try RedisProbe.ping(node.endpoint, timeoutMs: 2_000) == "+PONG")
        // TCP is off: the config says `port 0`.
        let config = try String(contentsOfFile: node.configPath, encoding: .utf8)
        #expect(config.contains("\nport 0\n"))
        await fleet.stop()
        #expect(!FileManager.default.fileExists(atPath: fleet.directory))
    }

    @Test("kill refuses connections; restart answers on the same endpoint with empty data", arguments: [RedisServerOptions.Transport.tcp, .unix])
    func killAndRestart(transport: RedisServerOptions.Transport) async throws {
        let fleet = try await RedisFleet.start(count: 2, options: .init(transport: transport))
        let endpoint = fleet.endpoints[1]
        let key = "fleet-test:\(UUID().uuidString):k"
        #expect(try RedisProbe.command(["SET", key, "v"], at: endpoint) == .simpleString("OK"))
        #expect(try RedisProbe.command(["DBSIZE"], at: endpoint) == .integer(1))

        let killed = ProcessSighting(pid: try #require(fleet.pid(1)))
        fleet.kill(1)
        #expect(!killed.isAlive, "kill reaps, so the pid is gone at once: \(killed)")
        #expect(fleet.pid(1) == nil)
        #expect(fleet.nodes[1].state == .killed)
        #expect(throws: RedisError.self) { try RedisProbe.ping(endpoint, timeoutMs: 1_000) }
        do {
            _ = try RedisProbe.ping(endpoint, timeoutMs: 1_000)
        } catch {
            #expect(error.code == .connectionRefused)
        }
        // The other node is untouched.
        #expect(try RedisProbe.ping(fleet.endpoints[0], timeoutMs: 2_000) == "+PONG")

        try await fleet.restart(1)
        #expect(fleet.endpoints[1] == endpoint)
        #expect(fleet.nodes[1].state == .running)
        #expect(try RedisProbe.ping(endpoint, timeoutMs: 2_000) == "+PONG")
        #expect(try RedisProbe.command(["DBSIZE"], at: endpoint) == .integer(0))
        #expect(try RedisProbe.command(["GET", key], at: endpoint) == .bulkString(nil))

        // Restarting a running node also comes back empty.
        #expect(try RedisProbe.command(["SET", key, "again"], at: endpoint) == .simpleString("OK"))
        let before = ProcessSighting(pid: try #require(fleet.pid(1)))
        try await fleet.restart(1)
        #expect(!before.isAlive)
        #expect(try RedisProbe.command(["DBSIZE"], at: endpoint) == .integer(0))
        await fleet.stop()
    }

    @Test("pause makes the probe time out; resume makes it answer again")
    func pauseAndResume() async throws {
        let fleet = try await RedisFleet.start(count: 1)
        let endpoint = fleet.endpoints[0]
        fleet.pause(0)
        #expect(fleet.nodes[0].state == .paused)
        let pid = try #require(fleet.pid(0))
        #expect(ProcessSighting.state(of: pid) == "T")
        do {
            let reply = try RedisProbe.ping(endpoint, timeoutMs: 300)
            Issue.record("a paused server answered: \(reply)")
        } catch {
            #expect(error.code == .timeout)
        }
        fleet.resume(0)
        #expect(fleet.nodes[0].state == .running)
        #expect(try RedisProbe.ping(endpoint, timeoutMs: 5_000) == "+PONG")
        await fleet.stop()
    }

    @Test("requirepass and ACL users: NOAUTH without auth, secrets only in a 0600 file")
    func passwords() async throws {
        // Spaces, quotes, a backslash and a newline: the config quoting must keep this one argument.
        let password = "pa ss\"wo\\rd\nx-\(UUID().uuidString)"
        let userPassword = "alice-\(UUID().uuidString)"
        let options = RedisServerOptions(
            password: password,
            aclUsers: [ACLUser(name: "alice", password: userPassword)])
        let fleet = try await RedisFleet.start(count: 1, options: options)
        let node = fleet.nodes[0]

        let reply = try RedisProbe.ping(node.endpoint, timeoutMs: 2_000)
        #expect(reply.hasPrefix("-NOAUTH"))
        #expect(try RedisProbe.commands([["AUTH", password], ["PING"]], at: node.endpoint) == [.simpleString("OK"), .simpleString("PONG")])
        #expect(try RedisProbe.commands([["AUTH", "alice", userPassword], ["ACL", "WHOAMI"]], at: node.endpoint)
            == [.simpleString("OK"), .bulkString(Array("alice".utf8))])
        #expect(try RedisProbe.command(["AUTH", "wrong"], at: node.endpoint).errorMessage != nil)

        var info = stat()
        #expect(stat(node.configPath, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        var directoryInfo = stat()
        #expect(stat(node.directory, &directoryInfo) == 0)
        #expect(directoryInfo.st_mode & 0o077 == 0)

        let pid = try #require(fleet.pid(0))
        let cmdline = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))
        let environ = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
        for secret in [password, userPassword, "pa ss", "alice-"] {
            #expect(!String(decoding: cmdline, as: UTF8.self).contains(secret))
            #expect(!String(decoding: environ, as: UTF8.self).contains(secret))
        }
        #expect(!options.description.contains(userPassword))
        #expect(!"\(options)".contains("pa ss"))
        await fleet.stop()
    }

    @Test("a missing redis-server gives an error that names the fix")
    func missingExecutable() async throws {
        do {
            let fleet = try await RedisFleet.start(options: .init(executable: "/nonexistent/redis-server"))
            Issue.record("started \(fleet.endpoints) with a missing executable")
            await fleet.stop()
        } catch {
            #expect(error.code == .executableNotFound)
            #expect(error.description.contains("Scripts/bootstrap"))
            #expect(error.description.contains("/nonexistent/redis-server"))
        }
        #expect(throws: FleetError.self) { try RedisFleet.locateRedisServer(searchPath: "/nonexistent") }
        do {
            _ = try RedisFleet.locateRedisServer(searchPath: "/nonexistent")
        } catch {
            #expect(error.description == "redis-server not found on PATH. Install it with Scripts/bootstrap (apt package redis-server), or pass its path.")
        }
        #expect(try RedisFleet.locateRedisServer().hasSuffix("/redis-server"))
    }

    @Test("a config redis rejects fails start with the log tail, and leaves nothing behind")
    func badConfig() async throws {
        let before = ChildRegistry.liveChildren
        do {
            let fleet = try await RedisFleet.start(count: 2, options: .init(extraConfig: [ConfigDirective("no-such-directive", "1")]))
            Issue.record("started with a bad directive: \(fleet.endpoints)")
            await fleet.stop()
        } catch {
            #expect(error.code == .exitedDuringStart)
            #expect(error.node != nil)
            #expect(error.logTail?.contains("no-such-directive") == true)
            #expect(error.description.contains("no-such-directive"))
        }
        // Other tests run in parallel, so only check that no child of ours survived from this one.
        let leaked = ChildRegistry.liveChildren.subtracting(before).filter { ProcessSighting(pid: $0).isAlive }
        let leakedStart = leaked.filter { pid in
            (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8))?.contains("no-such-directive") == true
        }
        #expect(leakedStart.isEmpty)
    }

    @Test("bad arguments are rejected before anything starts")
    func invalidArguments() async throws {
        await #expect(throws: FleetError.self) { try await RedisFleet.start(count: 0) }
        await #expect(throws: FleetError.self) {
            try await RedisFleet.start(options: .init(extraConfig: [ConfigDirective("save \"\"\nrequirepass", "x")]))
        }
    }

    @Test("stop ends every process, removes the directories, and is idempotent")
    func stopCleansUp() async throws {
        let fleet = try await RedisFleet.start(count: 3)
        let sightings = fleet.nodes.map { ProcessSighting(pid: $0.pid) }
        let directories = [fleet.directory] + fleet.nodes.map(\.directory)
        #expect(directories.allSatisfy { FileManager.default.fileExists(atPath: $0) })
        fleet.pause(1)  // stop must resume it, or SIGTERM would wait for the SIGKILL fallback
        await fleet.stop()
        for sighting in sightings {
            #expect(kill(sighting.pid, 0) == -1 && errno == ESRCH || !sighting.isAlive, "\(sighting) survived stop()")
        }
        #expect(directories.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
        #expect(fleet.nodes.allSatisfy { $0.state == .stopped })
        // Exit code 0 is redis's graceful SIGTERM shutdown: the paused node was resumed first and
        // did not need the SIGKILL fallback.
        #expect(fleet.nodes.map(\.exitDescription) == Array(repeating: "exit code 0", count: 3))
        await fleet.stop()
        await #expect(throws: FleetError.self) { try await fleet.restart(0) }
        fleet.kill(0)
        fleet.pause(0)
        fleet.resume(0)
        #expect(fleet.pid(0) == nil)
    }

    @Test("a node that dies on its own shows as exited and can be restarted")
    func exitedNode() async throws {
        let fleet = try await RedisFleet.start(count: 1)
        let pid = try #require(fleet.pid(0))
        // Someone else's SIGKILL: the fleet did not do it, so it must notice and reap.
        kill(pid, SIGKILL)
        var state = fleet.nodes[0].state
        for _ in 0..<500 where state != .exited {
            try await Task.sleep(nanoseconds: 10_000_000)
            state = fleet.nodes[0].state
        }
        #expect(state == .exited)
        #expect(fleet.nodes[0].exitDescription?.contains("SIGKILL") == true)
        #expect(!ProcessSighting(pid: pid).isAlive)
        try await fleet.restart(0)
        #expect(try RedisProbe.ping(fleet.endpoints[0], timeoutMs: 2_000) == "+PONG")
        await fleet.stop()
    }

    @Test("no orphans: every process any fleet here created is gone at the end")
    func noOrphans() async throws {
        var seen: [ProcessSighting] = []
        var directories: [String] = []
        func record(_ fleet: RedisFleet) {
            for node in fleet.nodes where node.state == .running || node.state == .paused {
                let sighting = ProcessSighting(pid: node.pid)
                if !seen.contains(sighting) { seen.append(sighting) }
            }
            directories.append(fleet.directory)
        }

        // Stopped the normal way, after kill/restart/pause.
        let stopped = try await RedisFleet.start(count: 3)
        record(stopped)
        stopped.kill(0)
        try await stopped.restart(0)
        record(stopped)
        try await stopped.restart(1)
        record(stopped)
        stopped.pause(2)
        await stopped.stop()

        // Never stopped: deinit must SIGKILL it, paused node included.
        do {
            let forgotten = try await RedisFleet.start(count: 2, options: .init(transport: .unix))
            record(forgotten)
            forgotten.pause(0)
        }

        // Concurrent restarts racing a stop.
        let racing = try await RedisFleet.start(count: 2)
        record(racing)
        async let first: Void = try racing.restart(0)
        async let second: Void = try racing.restart(1)
        await racing.stop()
        _ = try? await first
        _ = try? await second
        record(racing)

        #expect(seen.count >= 9)
        for sighting in seen {
            #expect(!sighting.isAlive, "orphan: \(sighting)")
        }
        for directory in directories {
            #expect(!FileManager.default.fileExists(atPath: directory), "left behind: \(directory)")
        }
        // Catch processes the snapshots never showed (spawned and lost inside a racing restart):
        // every server runs in its node directory, so look for any process still working there.
        let strays = processes(workingUnder: directories)
        #expect(strays.isEmpty, "processes still running in these fleets' directories: \(strays)")
    }
}

/// Pids whose working directory is inside one of `directories` (deleted or not).
private func processes(workingUnder directories: [String]) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap(Int32.init).filter { pid in
        guard let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd") else { return false }
        return directories.contains { cwd.hasPrefix($0 + "/") }
    }
}

@Suite("RedisFleet edge cases")
struct RedisFleetEdgeTests {
    @Test("restart names the port when someone else holds it")
    func restartPortTaken() async throws {
        let fleet = try await RedisFleet.start(count: 1)
        guard case .tcp(_, let port) = fleet.endpoints[0] else {
            Issue.record("expected TCP")
            return
        }
        fleet.kill(0)
        let squatter = try #require(Listener(port: port), "could not bind the freed port \(port) to test with")
        do {
            try await fleet.restart(0)
            Issue.record("restart succeeded on a port held by another socket")
        } catch {
            #expect(error.code == .addressInUse)
            #expect(error.description.contains("127.0.0.1:\(port)"))
        }
        #expect(fleet.nodes[0].state == .killed)
        squatter.close()
        try await fleet.restart(0)
        #expect(try RedisProbe.ping(fleet.endpoints[0], timeoutMs: 2_000) == "+PONG")
        await fleet.stop()
    }

    @Test(
        "servers die with a SIGKILLed harness (setpriv --pdeathsig)",
        .enabled(if: benchExecutable != nil, "needs the bench executable built next to the test bundle")
    )
    func childrenDieWithSIGKILLedParent() async throws {
        let bench = try #require(benchExecutable)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bench)
        process.arguments = ["servers", "--count", "2"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()

        // Two endpoint lines mean both servers answered PING. EOF first means bench failed.
        var text = ""
        while text.split(separator: "\n").count < 2 {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        let benchPID = process.processIdentifier
        let children = childPIDs(of: benchPID).map { ProcessSighting(pid: $0) }
        let directories = children.compactMap { configDirectory(of: $0.pid) }
        defer { for directory in directories { try? FileManager.default.removeItem(atPath: directory) } }
        #expect(text.split(separator: "\n").count == 2, "bench printed: \(text)")
        #expect(children.count == 2)

        kill(benchPID, SIGKILL)
        process.waitUntilExit()
        for child in children {
            // Reaping orphans is init's job here, so a zombie already counts as dead.
            let gone = await child.waitUntilGone(boundSeconds: 10) || ProcessSighting.state(of: child.pid) == "Z"
            #expect(gone, "\(child) outlived its SIGKILLed parent")
            if !gone { kill(child.pid, SIGKILL) }
        }
    }
}

/// The fleet directory of a redis-server child: redis chdirs into its node directory (`dir`),
/// and rewrites its command line, so the working directory is where to look.
private func configDirectory(of pid: Int32) -> String? {
    guard let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd"),
          URL(fileURLWithPath: cwd).lastPathComponent.hasPrefix("node-") else { return nil }
    return URL(fileURLWithPath: cwd).deletingLastPathComponent().path
}

/// A plain listening socket that occupies a port for a test.
private final class Listener {
    private var fd: Int32

    init?(port: Int) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 1) == 0 else {
            _ = Glibc.close(fd)
            return nil
        }
    }

    func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }

    deinit { close() }
}

/// A harness killed with SIGKILL cannot remove its fleet directory; the next fleet does, but only when
/// the directory's recorded owner is gone.
@Suite("RedisFleet stale directories")
struct StaleDirectoryTests {
    /// The pid of a process that has run and been reaped.
    static func deadPID() throws -> pid_t {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { argv.forEach { free($0) } }
        guard posix_spawn(&pid, "/bin/true", nil, nil, argv, environ) == 0 else { throw FleetError(.spawnFailed, detail: "posix_spawn /bin/true") }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return pid
    }

    static func makeDirectory(in base: String, owner: pid_t?) throws -> String {
        var template = Array("\(base)/lockbench-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw FleetError(.fileSystem, detail: "mkdtemp")
        }
        let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        try FileManager.default.createDirectory(atPath: path + "/node-0", withIntermediateDirectories: true)
        if let owner { try "\(owner)\n".write(toFile: path + "/owner", atomically: true, encoding: .utf8) }
        return path
    }

    @Test("a directory whose owner died is removed; a live owner's, an unowned one and others' files are kept")
    func sweep() async throws {
        // A base of its own, so the test neither depends on TMPDIR nor touches other fleets.
        let base = try Self.makeDirectory(in: "/tmp", owner: nil)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let stale = try Self.makeDirectory(in: base, owner: try Self.deadPID())
        let live = try Self.makeDirectory(in: base, owner: 1)  // init: always running
        let unowned = try Self.makeDirectory(in: base, owner: nil)
        let other = base + "/notes-lockbench"
        try "keep".write(toFile: other, atomically: true, encoding: .utf8)
        #expect(StaleDirectories.sweep(in: base) == [stale])
        #expect(!FileManager.default.fileExists(atPath: stale), "the dead owner's directory is removed")
        #expect(FileManager.default.fileExists(atPath: live), "a running owner's directory is kept")
        #expect(FileManager.default.fileExists(atPath: unowned), "a directory that names no owner is kept")
        #expect(FileManager.default.fileExists(atPath: other))
    }

    @Test("a fleet's directory names its owner, so a later fleet can tell it from a killed harness's")
    func fleetClaimsItsDirectory() async throws {
        let fleet = try await RedisFleet.start(count: 1)
        #expect(StaleDirectories.ownerPID(of: fleet.directory) == getpid())
        await fleet.stop()
    }
}
