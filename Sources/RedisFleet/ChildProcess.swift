import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What to run and where its standard streams go.
struct SpawnRequest: Sendable {
    /// Absolute path of the program.
    var executable: String
    /// argv, including argv[0].
    var arguments: [String]
    /// `NAME=value` strings; deliberately not the harness's environment (see `childEnvironment`).
    var environment: [String]
    /// File that receives stdout and stderr (appended, created 0600); `nil` sends them to /dev/null.
    var outputPath: String?
    /// A pipe's write end to use as stdout instead of `outputPath` (stderr then goes to /dev/null).
    var stdoutFD: Int32?
    /// Start the child in a process group of its own.
    ///
    /// Ctrl-C in a terminal signals the whole foreground process group. Servers in their own group
    /// do not see it, so the harness decides when they stop: `bench run` can finish measuring,
    /// write partial results, and only then stop them.
    var ownProcessGroup: Bool
}

/// Why `posix_spawn` failed.
struct SpawnFailure: Error, Sendable {
    var call: String
    var errno: Int32
}

/// How a reaped child ended, decoded from the `waitpid` status word (Swift cannot call the W* macros).
struct ExitStatus: Sendable, Hashable, CustomStringConvertible {
    var raw: Int32

    var exitCode: Int32? { raw & 0x7f == 0 ? (raw >> 8) & 0xff : nil }
    var signal: Int32? { raw & 0x7f != 0 && raw & 0x7f != 0x7f ? raw & 0x7f : nil }

    var description: String {
        if let exitCode { return "exit code \(exitCode)" }
        if let signal { return "signal \(signal)\(signal == SIGKILL ? " (SIGKILL)" : signal == SIGTERM ? " (SIGTERM)" : "")" }
        return "wait status \(raw)"
    }
}

enum ChildProcess {
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc 2.34+'s `posix_spawn_file_actions_addclosefrom_np`, looked up at run time because
    /// Swift's Glibc module does not import this GNU extension; `nil` on an older libc.
    private static let closeFromAction: CloseFrom? = {
        guard let handle = dlopen(nil, RTLD_NOW),
              let symbol = dlsym(handle, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()

    /// The environment children get: `PATH` only.
    ///
    /// The harness's own environment may hold the Redis password (`--password-env`), and a child's
    /// environment is readable through `/proc/<pid>/environ`; redis-server needs none of it.
    static func childEnvironment() -> [String] {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return ["PATH=\(path)"]
    }

    /// `posix_spawn`s `request`. Call it only on `SpawnerThread` (see there why).
    static func spawn(_ request: SpawnRequest) -> Result<pid_t, SpawnFailure> {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }

        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let stdoutFD = request.stdoutFD {
            posix_spawn_file_actions_adddup2(&actions, stdoutFD, 1)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        } else if let outputPath = request.outputPath {
            // stderr matters: a config error is printed there before redis opens its logfile.
            posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        // The harness holds client sockets that are not all close-on-exec; a server that inherited
        // one would keep that connection open after the client closed it.
        if let closeFrom = closeFromAction {
            _ = closeFrom(&actions, 3)
        }

        // Dispatch worker threads block SIGINT, SIGTERM and others, and a spawned child inherits
        // the spawning thread's mask: a redis-server with SIGTERM blocked ignores a graceful stop.
        // Hand it an empty mask and default dispositions instead.
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGUSR1, SIGUSR2, SIGCHLD] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF)
        if request.ownProcessGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = request.arguments.map { strdup($0) } + [nil]
        let envp = request.environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, request.executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            return .failure(SpawnFailure(call: "posix_spawn \(request.executable)", errno: result))
        }
        return .success(pid)
    }
}

/// One thread that lives as long as the process and performs every spawn.
///
/// `PR_SET_PDEATHSIG` (what `setpriv --pdeathsig KILL` sets) fires when the *thread* that created
/// the child exits, not the process. Dispatch and the Swift concurrency pool retire idle threads,
/// so a server spawned from one of them would be SIGKILLed a few seconds later for no reason.
/// Spawning from this never-ending thread ties the signal to the process's death only.
final class SpawnerThread: Sendable {
    static let shared = SpawnerThread()

    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let wakeUp = DispatchSemaphore(value: 0)

    private init() {
        let thread = Thread { [self] in
            while true {
                wakeUp.wait()
                let job = jobs.withLock { $0.removeFirst() }
                job()
            }
        }
        thread.name = "lockbench.fleet.spawner"
        thread.start()
    }

    /// Runs `body` on the spawner thread and returns its result.
    func perform<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            jobs.withLock { $0.append { continuation.resume(returning: body()) } }
            wakeUp.signal()
        }
    }
}
