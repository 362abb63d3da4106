import Foundation
import POSIX
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How to run a given `redis-server`: its path, version, and the `setpriv` prefix if it works.
struct RedisServerExecutable: Sendable, Hashable {
    /// Absolute path of redis-server.
    var path: String
    /// e.g. `7.0.15`.
    var version: String
    /// `ProcessSpawn.deathSignalPrefix`, or empty when setpriv does not work here. Without it a
    /// SIGKILLed harness leaves its servers behind.
    var launchPrefix: [String]

    /// argv for running the server with `configPath`.
    func arguments(configPath: String) -> [String] {
        launchPrefix + [path, configPath]
    }

    /// The program to exec: setpriv when used, else redis-server itself.
    var program: String { launchPrefix.first ?? path }

    private static let cache = Mutex<[String: RedisServerExecutable]>([:])

    /// Finds redis-server, checks that it runs, reads its version, and decides on the setpriv prefix.
    static func resolve(override: String?) async throws(FleetError) -> RedisServerExecutable {
        let path = try locate(override: override, searchPath: nil)
        if let cached = cache.withLock({ $0[path] }) { return cached }

        var prefix = ProcessSpawn.deathSignalPrefix
        var version = await readVersion(arguments: prefix + [path, "--version"])
        if version == nil && !prefix.isEmpty {
            // An old setpriv without --pdeathsig: run redis-server directly rather than not at all.
            prefix = []
            version = await readVersion(arguments: [path, "--version"])
        }
        guard let version else {
            throw FleetError(.versionUnknown, detail: "'\(path) --version' failed or printed no 'v=' version",
                             hint: "Check that \(path) is a working redis-server (reinstall with Scripts/bootstrap).")
        }
        let resolved = RedisServerExecutable(path: path, version: version, launchPrefix: prefix)
        cache.withLock { $0[path] = resolved }
        return resolved
    }

    /// Where redis-server is: the override (a path, or a name looked up on `PATH`), else `PATH`.
    static func locate(override: String?, searchPath: String?) throws(FleetError) -> String {
        let hint = "Install it with Scripts/bootstrap (apt package redis-server), or pass its path."
        if let override, override.contains("/") {
            let absolute = override.hasPrefix("/") ? override : FileManager.default.currentDirectoryPath + "/" + override
            guard ExecutableSearch.isExecutableFile(absolute) else {
                throw FleetError(.executableNotFound, detail: "redis-server not found at \(override) (the executable override)", hint: hint)
            }
            return absolute
        }
        let name = override ?? "redis-server"
        guard let found = ExecutableSearch.find(name, searchPath: searchPath) else {
            throw FleetError(.executableNotFound, detail: "\(name) not found on PATH", hint: hint)
        }
        return found
    }

    /// Runs `arguments` (…`--version`), reads stdout, returns the `v=` field.
    private static func readVersion(arguments: [String]) async -> String? {
        guard case .success(let channel) = ChildChannel.make() else { return nil }
        let (readFD, writeFD) = (channel.parentEnd, channel.childEnd)
        var request = ProcessSpawn(executable: arguments[0], arguments: arguments, environment: ProcessSpawn.pathOnlyEnvironment())
        request.stdout = .descriptor(writeFD)
        request.stderr = .devNull
        request.ownProcessGroup = true
        let spawned = await SpawnerThread.shared.perform { [request] in ChildRegistry.spawn(request) }
        _ = close(writeFD)
        defer { _ = close(readFD) }
        guard case .success(let pid) = spawned else { return nil }

        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while output.count < 64 * 1024 {
            let result = chunk.withUnsafeMutableBytes { raw in retryingEINTR { read(readFD, raw.baseAddress!, raw.count) } }
            guard case .success(let count) = result, count > 0 else { break }
            output += chunk[0..<count]
        }
        guard case .exited(let status) = ChildRegistry.reap(pid, blocking: true), status.exitCode == 0 else { return nil }
        // "Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=..."
        let text = String(decoding: output, as: UTF8.self)
        guard let field = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).first(where: { $0.hasPrefix("v=") }) else {
            return nil
        }
        return String(field.dropFirst(2))
    }
}
