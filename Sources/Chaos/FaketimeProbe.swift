import Foundation
import RESP
import RedisConnection
import RedisFleet

/// Whether a Redlock node's clock can be jumped with libfaketime here: starts one redis-server with
/// libfaketime preloaded (shifted an hour ahead) and asks it for `TIME`.
///
/// Found on Debian 12 (redis-server 7.0.15, libfaketime 0.9.10): the server never answers. Its log says
/// "libfaketime: Unexpected recursive calls to clock_gettime() without proper initialization": Debian's
/// redis-server is linked with jemalloc, which reads the clock while libfaketime is still initialising
/// (and allocating), and the process hangs before it listens. No setting of libfaketime avoids it
/// (FAKETIME_DONT_FAKE_MONOTONIC, FAKETIME_DONT_RESET, the MT library: all hang), and without root there is
/// no other way to move a server's wall clock (clock_settime needs CAP_SYS_TIME; time namespaces do not
/// cover CLOCK_REALTIME). The probe runs every time, so a machine where it works says so.
enum FaketimeProbe {
    /// The outcome in one sentence.
    static func run(redisServer: String?, track: (Int32?) -> Void) async -> String {
        guard let library = libraryPath() else {
            return "clock-skew: no server clock jump for Redlock nodes: libfaketime is not installed (Debian/Ubuntu: apt-get install faketime)."
        }
        let server: String
        do {
            server = try RedisFleet.locateRedisServer(override: redisServer)
        } catch {
            return "clock-skew: faketime check skipped: \(error)"
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lockbench-faketime-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // `--version` runs without libfaketime: RedisFleet reads the version with no timeout, and a hang
        // there would be ours. The server is exec'd with the library preloaded rather than through the
        // `faketime` command, which forks: the fleet would then kill faketime and orphan the server.
        let wrapper = directory.appendingPathComponent("redis-server-faketime").path
        let script = """
            #!/bin/sh
            if [ "$1" = "--version" ]; then exec \(shellQuote(server)) "$@"; fi
            LD_PRELOAD=\(shellQuote(library)) FAKETIME=+3600 exec \(shellQuote(server)) "$@"

            """
        guard FileManager.default.createFile(atPath: wrapper, contents: Data(script.utf8), attributes: [.posixPermissions: 0o700]) else {
            return "clock-skew: faketime check skipped: cannot write a wrapper script in \(directory.path)."
        }
        do {
            let fleet = try await RedisFleet.start(count: 1, options: RedisServerOptions(executable: wrapper, startTimeoutMs: 2_000))
            track(fleet.pid(0))
            let time = try? RedisProbe.command(["TIME"], at: fleet.endpoints[0])
            await fleet.stop()
            let seconds = time?.elements?.first?.string.flatMap(Double.init) ?? 0
            let ahead = seconds - Date().timeIntervalSince1970
            if ahead > 3_000 {
                return "clock-skew: faketime works with this redis-server (its clock read \(Int(ahead)) s ahead); a Redlock server-clock-jump variant is not implemented yet: its effect on the lock (one node's key expires early) is the one redlock-restart measures."
            }
            return "clock-skew: no server clock jump for Redlock nodes: redis-server started under faketime but its clock was not shifted (TIME was \(Int(ahead)) s off)."
        } catch {
            let hung = error.description.contains("recursive calls to clock_gettime")
            let reason = hung
                ? "libfaketime recursed in clock_gettime() during start-up (this redis-server is linked with jemalloc, which reads the clock while libfaketime initialises) and the server hung before listening"
                : "redis-server did not start under faketime (\(error.code))"
            return "clock-skew: no server clock jump for Redlock nodes: \(reason); without root a server's wall clock cannot be moved otherwise (clock_settime needs CAP_SYS_TIME, time namespaces do not cover CLOCK_REALTIME). Client clock skew (legacy-getset) is measured above; redlock-restart covers the same effect as a forward jump (a node's key gone early)."
        }
    }

    /// libfaketime's preload library, where Debian, Fedora or a source install put it.
    static func libraryPath() -> String? {
        var directories = ["/usr/lib/faketime", "/usr/lib64/faketime", "/usr/local/lib/faketime"]
        if let multiarch = try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib") {
            directories += multiarch.map { "/usr/lib/\($0)/faketime" }
        }
        return directories.map { $0 + "/libfaketime.so.1" }.first { FileManager.default.fileExists(atPath: $0) }
    }

    static func shellQuote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
